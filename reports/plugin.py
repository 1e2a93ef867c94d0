"""The results plugin: collects records on the controller, computes metrics, gates, writes outputs."""

from __future__ import annotations
