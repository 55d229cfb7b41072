"""The screen's net: a small classifier on the MiniLM reading of a whole message, beside
the clinic's list (clinic/screening/), which stays authoritative.

The list reads words: condition ids, time, person, negation. On every fresh collection
of real descriptions it missed emergencies told in words it had never seen. The net
reads the sentence vector instead, and gives two things the health reader acts on
(nlp/health_reader.py):
- `urgent`: P(an emergency sign is happening now). When the list finds no emergency
  but this is high, the assistant asks one direct question ("is this happening
  now?"), never the 911 answer itself;
- `items`: P(this contraindication applies), per list item, so that the screen can
  ask about a likely item by name ("A fever, a viral infection...: does it apply?").

Trained by `make net` (`python -m nlp.emergency_net`) on labelled descriptions: the
real-world dev split (tests/realworld/screen_dev.yml), the team's adversarial cases
and the team's narratives (data/screen/narratives.yml); never on the test split. The
weights are plain arrays in build/screen_net/net.npz (logistic regressions: a
softmax over the three outcomes, a sigmoid per item), read with numpy at run time.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
NET_FILE = ROOT / "build" / "screen_net" / "net.npz"
TRAINING_FILES = (
    ROOT / "tests" / "realworld" / "screen_dev.yml",
    ROOT / "tests" / "unit" / "screening_adversarial.yml",
    ROOT / "data" / "screen" / "narratives.yml",
)
OUTCOMES = ("clear", "doctor_first", "urgent")
MIN_POSITIVES = 8  # an item with fewer labelled descriptions gets no classifier
C_OUTCOME = 3.0
C_ITEMS = 3.0
# the ordinary messages outnumber the descriptions ten to one: each counts for less,
# or every story that ends in a question about massage reads as ordinary
ORDINARY_WEIGHT = 0.1
# The real-world sets tag what applies in their own words: which list item each tag is
# (tags not here, such as red-flag details, are not items).
ITEM_TAGS = {
    "infection": ("fever", "recent_fever", "flu", "viral_infection", "shingles",
                  "contagious", "contagious_illness", "infection"),
    "blood_clots": ("blood_clot", "clot_history", "diagnosed_clot", "dvt_diagnosed",
                    "dvt_history", "past_dvt_pe", "varicose_veins"),
    "clotting_disorder": ("blood_thinners",),
    "cancer": ("cancer", "chemotherapy", "radiotherapy", "lymph_node_surgery",
               "mastectomy"),
    "pregnancy": ("pregnancy", "possible_pregnancy", "pregnancy_implied", "postpartum"),
    "skin": ("open_wound", "open_wounds", "skin_infection", "laceration"),
    "inflammation": ("gout_flare", "severe_inflammation"),
    "kidney_liver": ("kidney_disease", "kidney_failure", "dialysis", "liver_disease"),
    "recent_injury_surgery": ("recent_fracture", "recent_injury", "recent_surgery",
                              "broken_bone", "broken_bone_cast", "cast", "c_section",
                              "recent_procedure", "post_surgery"),
    "heart_blood_pressure": ("heart_condition", "high_blood_pressure", "heart_surgery",
                             "pacemaker", "stent", "past_heart_attack",
                             "heart_attack_history", "recent_heart_attack",
                             "past_stroke", "recent_stroke_treated"),
    "diabetes": ("diabetes",),
    "osteoporosis": ("osteoporosis",),
    "lymphedema": ("lymphedema",),
}  # fmt: skip
TAG_IDS = {tag: item for item, tags in ITEM_TAGS.items() for tag in tags}


@dataclass(frozen=True)
class Labelled:
    text: str
    outcome: str
    items: Tuple[str, ...]  # contraindication ids that apply
    weight: float = 1.0  # in training


@dataclass(frozen=True)
class NetReading:
    urgent: float
    items: Dict[str, float]

    def likely(self, threshold: float) -> List[str]:
        """Items at or above `threshold`, most likely first."""
        ranked = sorted(self.items.items(), key=lambda pair: -pair[1])
        return [item for item, p in ranked if p >= threshold]


class EmergencyNet:
    def __init__(
        self,
        outcome_weights: np.ndarray,
        outcome_bias: np.ndarray,
        item_ids: Sequence[str],
        item_weights: np.ndarray,
        item_bias: np.ndarray,
    ) -> None:
        self._outcome_weights = outcome_weights  # (3, 384), rows in OUTCOMES order
        self._outcome_bias = outcome_bias
        self._item_ids = list(item_ids)
        self._item_weights = item_weights  # (items, 384)
        self._item_bias = item_bias

    def read(self, vector: np.ndarray) -> NetReading:
        logits = self._outcome_weights @ vector + self._outcome_bias
        odds = np.exp(logits - logits.max())
        outcome = odds / odds.sum()
        items = 1 / (1 + np.exp(-(self._item_weights @ vector + self._item_bias)))
        return NetReading(
            urgent=float(outcome[OUTCOMES.index("urgent")]),
            items={i: float(p) for i, p in zip(self._item_ids, items, strict=True)},
        )

    def save(self, path: Path = NET_FILE) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(
            path,
            outcome_weights=self._outcome_weights,
            outcome_bias=self._outcome_bias,
            item_ids=np.array(self._item_ids),
            item_weights=self._item_weights,
            item_bias=self._item_bias,
        )

    @classmethod
    def load(cls, path: Path = NET_FILE) -> Optional[EmergencyNet]:
        """The trained net, or None when `make net` has not run."""
        if not path.exists():
            return None
        with np.load(path) as stored:
            return cls(
                stored["outcome_weights"],
                stored["outcome_bias"],
                [str(i) for i in stored["item_ids"]],
                stored["item_weights"],
                stored["item_bias"],
            )


def read_labelled(path: Path) -> List[Labelled]:
    """Descriptions with their outcome and items, from a real-world screen set
    (`conditions` tags), the adversarial file (`present`/`unsure` ids) or the team's
    narratives (`conditions` ids)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    examples = data["examples"] if isinstance(data, dict) else data
    labelled = []
    for example in examples:
        tags = [
            *(example.get("conditions") or []),
            *(example.get("present") or []),
            *(example.get("unsure") or []),
        ]
        items = sorted({TAG_IDS.get(tag, tag) for tag in tags} & set(ITEM_TAGS))
        outcome = example.get("outcome") or "clear"
        labelled.append(Labelled(example["text"], outcome, tuple(items)))
    return labelled


def ordinary_messages() -> List[Labelled]:
    """The NLU training examples (the team's own questions and replies) as what they
    are to the net: urgent for the `emergency` intent, otherwise what the list reads
    (mostly clear). Without them the net, having seen only health stories, took one
    ordinary clinic question in twenty for an emergency. Examples the list reads as an
    emergency under another intent are left out: their label is unclear."""
    from rasa.shared.nlu.training_data.loading import load_data

    from clinic.screening.matcher import find_conditions

    labelled = []
    for path in sorted((ROOT / "data" / "nlu").rglob("*.yml")):
        for example in load_data(str(path)).intent_examples:
            text, intent = example.get("text"), example.get("intent")
            outcome = find_conditions(text).outcome
            if intent == "emergency":
                outcome = "urgent"
            elif outcome == "urgent":
                continue
            labelled.append(Labelled(text, outcome, (), ORDINARY_WEIGHT))
    return labelled


def training_items(files: Sequence[Path] = TRAINING_FILES) -> List[Labelled]:
    described = [x for path in files if path.exists() for x in read_labelled(path)]
    return described + ordinary_messages()


def fit(
    vectors: np.ndarray,
    labelled: Sequence[Labelled],
    c_outcome: float = C_OUTCOME,
    c_items: float = C_ITEMS,
) -> EmergencyNet:
    """Logistic regressions over the story readings: one softmax over the outcomes,
    one sigmoid per item with at least MIN_POSITIVES descriptions."""
    from sklearn.linear_model import LogisticRegression

    outcomes = np.array([item.outcome for item in labelled])
    weights_in = np.array([item.weight for item in labelled])
    model = LogisticRegression(C=c_outcome, max_iter=5000).fit(
        vectors, outcomes, sample_weight=weights_in
    )
    order = [list(model.classes_).index(o) for o in OUTCOMES]
    counts: Dict[str, int] = {}
    for item in labelled:
        for name in item.items:
            counts[name] = counts.get(name, 0) + 1
    ids = sorted(name for name, n in counts.items() if n >= MIN_POSITIVES)
    weights, bias = [], []
    for name in ids:
        positive = np.array([name in item.items for item in labelled])
        one = LogisticRegression(C=c_items, max_iter=5000).fit(
            vectors, positive, sample_weight=weights_in
        )
        weights.append(one.coef_[0])
        bias.append(one.intercept_[0])
    return EmergencyNet(
        model.coef_[order],
        model.intercept_[order],
        ids,
        np.array(weights).reshape(len(ids), vectors.shape[1]),
        np.array(bias),
    )


def story_vectors(texts: Sequence[str]) -> np.ndarray:
    """The story readings (nlp/minilm.py), cached by content."""
    from clinic.language import plain_punctuation
    from nlp.embedding_cache import EmbeddingCache
    from nlp.minilm import default_threads, shared

    cache = EmbeddingCache(shared(default_threads()))
    return cache.story_readings([plain_punctuation(t) for t in texts])


def build(path: Path = NET_FILE) -> EmergencyNet:
    labelled = training_items()
    net = fit(story_vectors([item.text for item in labelled]), labelled)
    net.save(path)
    return net


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else NET_FILE)
