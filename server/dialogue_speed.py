"""Two of Rasa 3.6's dialogue computations, without the cost that grew with the length
of a conversation (installed by server/patches.py).

Every prediction (two or more a turn) rebuilt the state of the conversation before
each of its actions, from the first event on: a tracker replayed event by event and a
state dictionary built per action. RulePolicy then checked each rule against every
one of those states, although a rule can only look as far back as it is long. Under
load the two were about a tenth of the Rasa server's CPU, more for long conversations.

- `states_for_tracker_history`: the states of a conversation's earlier actions never
  change once logged, so they are kept per conversation (the latest few hundred
  conversations) with the replayed tracker, and only the events logged since are
  replayed. Kept only while the conversation's applied events still start with the
  very event objects they were built from; anything else (a reload from the database,
  a rewind, a restart) builds them from the start as Rasa does. Callers get copies,
  because Rasa's featurizer edits the last state in place. Rasa's own code runs where
  turns are hidden for ML policies (`ignore_rule_only_turns`).
- `_get_possible_keys`: Rasa's `_is_rule_applicable` says yes to every state further
  back than the rule is long, so only the last (longest rule) states can rule a rule
  out; the rest are no longer walked. And each rule's states are parsed from its JSON
  key once, not once per rule per state per prediction (`_rule_key_to_state`; no
  caller changes what it returns).

tests/unit/test_dialogue_speed.py holds both to Rasa's own results.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache
from typing import Any, Dict, List, Optional, Set, Tuple

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

KEPT_CONVERSATIONS = 256


class _Kept:
    __slots__ = ("domain", "events", "replayed", "states")

    def __init__(
        self,
        domain: Domain,
        events: List[Any],
        replayed: DialogueStateTracker,
        states: List[State],
    ) -> None:
        self.domain = domain  # held, like the events: the ids in the key stay unique
        self.events = events  # the applied events replayed
        self.replayed = replayed  # the tracker after them
        self.states = states  # the state before each ActionExecuted among them


_kept: OrderedDict[Tuple[int, str, bool], _Kept] = OrderedDict()


def _copy(state: State) -> State:
    return {name: dict(part) for name, part in state.items()}  # type: ignore[misc]


def _starts_with(events: List[Any], prefix: List[Any]) -> bool:
    return len(prefix) <= len(events) and all(
        a is b for a, b in zip(prefix, events, strict=False)
    )


def states_for_tracker_history(
    domain: Domain,
    tracker: DialogueStateTracker,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: Optional[Dict[str, Any]] = None,
) -> List[State]:
    """Domain.states_for_tracker_history, resumed from the states kept for the
    conversation (module docstring)."""
    if ignore_rule_only_turns:
        return _rasa_states(
            domain, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data
        )
    key = (id(domain), tracker.sender_id, omit_unset_slots)
    events = list(tracker.applied_events())
    kept = _kept.pop(key, None)
    if (
        kept is None
        or kept.domain is not domain
        or not _starts_with(events, kept.events)
    ):
        kept = _Kept(domain, [], tracker.init_copy(), [])
    replayed, states = kept.replayed, kept.states
    for event in events[len(kept.events) :]:
        if isinstance(event, ActionExecuted):
            states.append(_state(domain, replayed, omit_unset_slots))
        replayed.update(event)
    kept.events = events
    _kept[key] = kept
    while len(_kept) > KEPT_CONVERSATIONS:
        _kept.popitem(last=False)
    return [_copy(s) for s in states] + [_state(domain, replayed, omit_unset_slots)]


def _state(domain: Domain, tracker: DialogueStateTracker, omit: bool) -> State:
    return domain._clean_state(domain.get_active_state(tracker, omit_unset_slots=omit))


def forget_kept_states() -> None:
    _kept.clear()


_rasa_states = Domain.states_for_tracker_history


def rule_keys_from_recent_states(
    get_possible_keys: Any,
) -> Any:
    """RulePolicy._get_possible_keys, walking only as many of the latest states as the
    lookup's longest rule has."""

    def get_possible_keys_from_recent(
        self: Any, lookup: Dict[str, str], states: List[State]
    ) -> Set[str]:
        longest = _longest_rule(self, lookup)
        recent = states[-longest:] if longest else states[:0]
        return set(get_possible_keys(self, lookup, recent))

    get_possible_keys_from_recent.__wrapped__ = get_possible_keys  # type: ignore[attr-defined]
    return get_possible_keys_from_recent


@lru_cache(maxsize=8192)
def rule_key_to_state(rule_key: str) -> List[State]:
    """RulePolicy._rule_key_to_state, parsed once per rule key."""
    return _rasa_rule_key_to_state(rule_key)


_rasa_rule_key_to_state = RulePolicy._rule_key_to_state
_longest: Dict[int, Tuple[Dict[str, str], int, int]] = {}


def _longest_rule(policy: Any, lookup: Dict[str, str]) -> int:
    """The number of states of the lookup's longest rule, computed once a lookup (and
    again if it gains or loses rules); the lookup is held, so its id stays its own."""
    kept = _longest.get(id(lookup))
    if kept is None or kept[0] is not lookup or kept[1] != len(lookup):
        longest = max(
            (len(policy._rule_key_to_state(rule)) for rule in lookup), default=0
        )
        kept = (lookup, len(lookup), longest)
        _longest[id(lookup)] = kept
    return kept[2]


# What each replaces (server/rasa_guard.py reads Rasa's own signature through it; the
# module is imported before server/patches.py installs these, so these are Rasa's).
states_for_tracker_history.__wrapped__ = Domain.states_for_tracker_history  # type: ignore[attr-defined]
rule_key_to_state.__wrapped__ = _rasa_rule_key_to_state  # type: ignore[attr-defined]
