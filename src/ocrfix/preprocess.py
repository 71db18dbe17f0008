"""OpenCV preprocessing of a page image before OCR, each step a small function."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image


def to_array(page: Image.Image) -> np.ndarray:
    """A Pillow page as a NumPy array (grey: 2-D uint8)."""
    return np.asarray(page)


def to_grey(image: np.ndarray) -> np.ndarray:
    """One 8-bit grey channel, whatever the input (grey, BGR or BGRA)."""
    if image.ndim == 2:
        return image
    code = cv2.COLOR_BGRA2GRAY if image.shape[2] == 4 else cv2.COLOR_BGR2GRAY
    return cv2.cvtColor(image, code)


def preprocess(page: Image.Image) -> np.ndarray:
    """The page as Tesseract will see it."""
    return to_grey(to_array(page))


def encode_png(image: np.ndarray) -> bytes:
    """PNG bytes of an image, for the reviewer's copy of the page."""
    ok, buffer = cv2.imencode(".png", image)
    if not ok:  # pragma: no cover - OpenCV fails only on unsupported array types
        raise ValueError("cannot encode page as PNG")
    return buffer.tobytes()
