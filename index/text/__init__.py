"""Words and names: Dutch word analysis (folding, stems, compound parts, stop words), company
names as people write them, and the curated taxonomy. The lowest room of the index: it imports
only the archive's name folding, and everything above reads words and names through it."""
