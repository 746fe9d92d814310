"""The comments inbox (issue 10): collecting, answering and closing comments. No Qt.

Contracts: the "Comments" part of each section of shared docs/platforms.md.
"""
