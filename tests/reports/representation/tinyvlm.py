"""Tiny randomly-initialised vision-language models, saved as Hugging Face folders: the path real weights take.

Two families (LLaVA: CLIP vision tower + Llama; Idefics3/SmolVLM: SigLIP-style tower + pixel shuffle + Llama),
each with a WordLevel tokenizer built offline from the words it will see and its family's chat-template shape.
Nothing is downloaded. Sizes are the smallest the configs accept, so a forward pass takes milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

LLAVA_TEMPLATE = (
    "{% for message in messages %}{% if message['role'] != 'system' %}{{ message['role'].upper() + ': '}}{% endif %}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'image') %}{{ '<image>\n' }}{% endfor %}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}{{ content['text'] + ' '}}"
    "{% endfor %}{% endfor %}{% if add_generation_prompt %}{{ 'ASSISTANT:' }}{% endif %}"
)
"""The shape of llava-1.5-hf's template: images first, then the text parts, each followed by a space."""

IDEFICS3_TEMPLATE = (
    "<|im_start|>{% for message in messages %}{{message['role'] | capitalize}}"
    "{% if message['content'][0]['type'] == 'image' %}{{':'}}{% else %}{{': '}}{% endif %}"
    "{% for line in message['content'] %}{% if line['type'] == 'text' %}{{line['text']}}"
    "{% elif line['type'] == 'image' %}{{ '<image>' }}{% endif %}{% endfor %}<end_of_utterance>\n{% endfor %}"
    "{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}"
)
"""The shape of SmolVLM's template: parts glued together with no separator (the harder case for text spans)."""

SPECIAL = ("<unk>", "<pad>", "<s>", "</s>", "<|im_start|>", "<image>", "<fake_token_around_image>", "<global-img>",
           "<end_of_utterance>")
IMAGE_TOKENS = 4
"""Image placeholder tokens per image in both tiny families."""


def _tokenizer(corpus: Iterable[str]) -> Any:
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    pre = pre_tokenizers.Whitespace()
    words = sorted({w for text in corpus for w, _ in pre.pre_tokenize_str(text)})
    vocab = {t: i for i, t in enumerate([*SPECIAL, *(w for w in words if w not in SPECIAL)])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre
    tok.add_special_tokens(list(SPECIAL))
    return PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", pad_token="<pad>", bos_token="<s>",
                                   eos_token="</s>")


def _text_config(vocab_size: int, layers: int) -> dict[str, Any]:
    return {"model_type": "llama", "vocab_size": vocab_size, "hidden_size": 32, "intermediate_size": 64,
            "num_hidden_layers": layers, "num_attention_heads": 2, "num_key_value_heads": 1, "pad_token_id": 1}


def build_llava(folder: Path, corpus: Iterable[str], layers: int = 3, seed: int = 0) -> Path:
    """A LLaVA folder: CLIP tower on 28×28 px (2×2 patches of 14 px, CLS dropped) → 4 image tokens."""
    import torch
    from transformers import CLIPImageProcessor, LlavaConfig, LlavaForConditionalGeneration, LlavaProcessor

    tokenizer = _tokenizer([*corpus, "USER ASSISTANT user assistant :"])
    images = CLIPImageProcessor(size={"shortest_edge": 28}, crop_size={"height": 28, "width": 28})
    processor = LlavaProcessor(image_processor=images, tokenizer=tokenizer, chat_template=LLAVA_TEMPLATE,
                               patch_size=14, vision_feature_select_strategy="default", num_additional_image_tokens=1)
    config = LlavaConfig(
        vision_config={"model_type": "clip_vision_model", "hidden_size": 32, "intermediate_size": 64,
                       "num_hidden_layers": 1, "num_attention_heads": 2, "image_size": 28, "patch_size": 14,
                       "projection_dim": 32},
        text_config=_text_config(len(tokenizer), layers),
        image_token_index=tokenizer.convert_tokens_to_ids("<image>"), image_seq_length=IMAGE_TOKENS)
    torch.manual_seed(seed)
    LlavaForConditionalGeneration(config).save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


def build_idefics3(folder: Path, corpus: Iterable[str], layers: int = 2, seed: int = 0) -> Path:
    """An Idefics3 (SmolVLM) folder: 56×56 px, 4×4 patches shuffled by 2 → 4 image tokens, no tiling."""
    import torch
    from transformers import Idefics3Config, Idefics3ForConditionalGeneration, Idefics3ImageProcessor, Idefics3Processor

    tokenizer = _tokenizer([*corpus, "User Assistant user assistant :"])
    images = Idefics3ImageProcessor(do_image_splitting=False, size={"longest_edge": 56},
                                    max_image_size={"longest_edge": 56})
    processor = Idefics3Processor(image_processor=images, tokenizer=tokenizer, chat_template=IDEFICS3_TEMPLATE,
                                  image_seq_len=IMAGE_TOKENS)
    config = Idefics3Config(
        vision_config={"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2,
                       "image_size": 56, "patch_size": 14},
        text_config=_text_config(len(tokenizer), layers),
        image_token_id=tokenizer.convert_tokens_to_ids("<image>"), scale_factor=2)
    torch.manual_seed(seed)
    Idefics3ForConditionalGeneration(config).save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder
