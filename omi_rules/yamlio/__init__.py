"""YAML in and out, with positions.

``reader`` reads a file safely into plain data plus the line and column of every node, so every
diagnostic can point into the file (and refuses alias bombs, oversized and undecodable input).
``roundtrip`` and ``splice`` write an edited file back so that nothing but the edit changes:
comments, key order, quoting and every untouched line stay byte for byte.
"""
