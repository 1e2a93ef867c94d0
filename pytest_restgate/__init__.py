"""restgate (distribution `pytest-restgate`): cross-modal consistency gates for multimodal-model releases.

One namespace of its own, so that nothing with a generic name (fixtures, reports, renderers) lands at the top of
site-packages. In a clone the design card's folders stay at the repository root and this package reaches them
through symbolic links (pytest_restgate/fixtures -> ../fixtures, ...); the wheel carries real copies.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.2.0"
