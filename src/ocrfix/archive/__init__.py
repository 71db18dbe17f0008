"""The reading archive: final texts as Markdown and plain text, a catalogue, full-text search.

An archive folder holds::

    texts/<slug>.md, <slug>.txt     the current version of each document, to read
    versions/<slug>/vN.md, vN.txt   every version, the current one too; never rewritten
    catalog.sqlite                  documents, versions and the FTS5 index ``search``
    .export.lock                    held by an export, so that two exports take turns

Modules, one per step: :mod:`~ocrfix.archive.source` reads a document folder of
``ocrfix run`` (final text, counts, reviewed or not), :mod:`~ocrfix.archive.metadata`
gathers title, author, date… (``metadata.csv``, ``NAME.meta.yaml``, inference),
:mod:`~ocrfix.archive.markdown` renders front matter and reflowed text,
:mod:`~ocrfix.archive.catalog` is the SQLite catalogue and search, and
:mod:`~ocrfix.archive.export` puts them together.
"""
