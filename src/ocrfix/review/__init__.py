"""What a person reads to review a document: the diff and the suggestions table."""
