"""Text-token selection with a byte-level BPE tokenizer (trained here, offline) and a LLaVA-style chat template.

Byte-level BPE glues the template's space to the item's first word (`Ġ3`), so the first content token straddles
the text span; it must be kept, or the pooled text form loses the item's first token.
"""

from __future__ import annotations

from typing import Any

import pytest
from tinyvlm import LLAVA_TEMPLATE

from pytest_restgate.fixtures.evaluation.prompts import INSTRUCTIONS
from pytest_restgate.fixtures.items import soebench
from pytest_restgate.fixtures.items.item import Item
from pytest_restgate.reports.representation.runner import Loaded, _text_positions, prompt_of
from pytest_restgate.reports.representation.tokens import text_span

N_ITEMS = 60


def _bpe_tokenizer(corpus: list[str]) -> Any:
    """A byte-level BPE tokenizer as Qwen2 / Llama 3 ship it (offsets keep the leading space: no trimming)."""
    pytest.importorskip("transformers")
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=["<unk>", "<pad>", "<image>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(corpus, trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", pad_token="<pad>")
    fast.chat_template = LLAVA_TEMPLATE
    return fast


@pytest.fixture(scope="module")
def bpe() -> tuple[Loaded, list[Item]]:
    items = soebench.generate(N_ITEMS, 2512)
    tokenizer = _bpe_tokenizer([*INSTRUCTIONS.values(), *(i.full_text for i in items)])
    return Loaded(model=None, processor=tokenizer, device="cpu", name="bpe"), items


def test_no_item_loses_a_token_of_its_text(bpe: tuple[Loaded, list[Item]]) -> None:
    loaded, items = bpe
    straddling = 0
    for item in items:
        prompt = prompt_of(loaded, item, "text")
        lo, hi = text_span(prompt, item.full_text, item.id)
        offsets = [tuple(o) for o in loaded.processor(prompt, return_offsets_mapping=True)["offset_mapping"]]
        _, positions = _text_positions(loaded, item, prompt)
        first, last = offsets[positions[0]], offsets[positions[-1]]
        assert first[0] <= lo < first[1], f"{item.id}: first text character not in a kept token"
        assert last[0] < hi <= last[1], f"{item.id}: last text character not in a kept token"
        assert positions == list(range(positions[0], positions[-1] + 1))  # contiguous: nothing inside dropped
        a, b = first
        straddling += a < lo and (min(b, hi) - lo) * 2 <= b - a  # a majority rule would have dropped it
    assert straddling > 0, "the tokenizer should glue the template's space to some short first words"
