"""Representation analysis (the paper's RQ4): does the model hold the text and the image of an item close inside?

An optional extra (`pip install -e .[repr]`): it needs the hidden states of a local open-weight model, so it
runs through transformers, never through litellm. The core never imports this package; `tokens` and `pooling`
are plain Python / numpy, `runner` alone imports torch and transformers.
"""

from __future__ import annotations
