"""A marked-input checkpoint as a stock `transformers` text-classification model for one head.

This is what a user would otherwise run: `pipeline("text-classification")` per candidate pair, the marked sentence
as `text` and the actor/target query as `text_pair` (stance.encoding.marked_pair). The benchmark uses it as the
baseline the package's predictor is measured against; the two must agree on every label.
"""

from __future__ import annotations

import copy

from transformers import PreTrainedModel
from transformers.modeling_outputs import SequenceClassifierOutput


class PairHeadForSequenceClassification(PreTrainedModel):
    base_model_prefix = "net"
    _supports_sdpa = True  # attention runs inside the wrapped encoder, as it was loaded

    def __init__(self, config, net=None, head: str = "stance"):
        super().__init__(config)
        self.net, self.head = net, head

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, **_) -> SequenceClassifierOutput:
        return SequenceClassifierOutput(logits=self.net(input_ids, attention_mask, token_type_ids)[self.head])


def text_classification_pipeline(model, head: str = "stance"):
    """A `transformers` pipeline over a loaded marked-input FineTunedModel (fp32), predicting `head`."""
    from transformers import pipeline

    if getattr(model, "input_form", None) != "marked":
        raise ValueError("the per-pair pipeline runs marked-input fine-tuned checkpoints (model.input=marked)")
    config = copy.deepcopy(model.net.encoder.config)
    labels = model.labels[head]
    config.id2label = dict(enumerate(labels))
    config.label2id = {lab: i for i, lab in enumerate(labels)}
    wrapped = PairHeadForSequenceClassification(config, model.net, head).eval()
    return pipeline("text-classification", model=wrapped, tokenizer=model.tokenizer, device=-1)
