"""Human names of the figures the pages show: a reader of a compare page should not need the summary's keys.

Why one table: the compare page, its chart and the terminal lines name the same figures the same way.
"""

from __future__ import annotations

LABELS = {
    "rer": "RER: same answer as text, image and mixed",
    "cfr": "CFR: solved in some forms, not all",
    "mmc": "MMC: solved in at least one form",
    "ocr_ok_rer": "RER, units read exactly (OCR-correct)",
    "ocr_ok_cfr": "CFR, units read exactly (OCR-correct)",
    "ocr_ok_mmc": "MMC, units read exactly (OCR-correct)",
    "acc_text": "Accuracy, text",
    "acc_image": "Accuracy, image",
    "acc_mixed": "Accuracy, mixed",
    "ocr_exact_share": "Share of items read exactly (OCR CER 0)",
    "cer_mean": "OCR character error rate, mean",
}
SHORT = {"rer": "RER", "cfr": "CFR", "mmc": "MMC", "ocr_ok_rer": "RER (OCR-ok)", "ocr_ok_cfr": "CFR (OCR-ok)",
         "ocr_ok_mmc": "MMC (OCR-ok)", "acc_text": "acc. text", "acc_image": "acc. image", "acc_mixed": "acc. mixed",
         "ocr_exact_share": "read exactly", "cer_mean": "OCR CER"}


def label(key: str) -> str:
    """The human name of a figure; an unknown key is shown as it is rather than hidden."""
    return LABELS.get(key, key)


def short(key: str) -> str:
    """A short name for a terminal column or a chart legend."""
    return SHORT.get(key, key)


__all__ = ["LABELS", "SHORT", "label", "short"]
