"""The Rasa internals this project relies on, checked when the server starts: a Rasa
upgrade that renames or reshapes one of them fails loudly here, instead of a patch
that silently stops applying (docs/rasa-upgrade.md says what to re-check then).

- server/patches.py replaces RemoteAction.run and _validate_action_result,
  ActionRetrieveResponse.run, rasa.core.run.configure_app, and (server/
  dialogue_speed.py) Domain.states_for_tracker_history and RulePolicy's rule walk;
- server/safety_gate.py relies on the policy ensemble ranking "no user" predictions
  first, then by (confidence, priority) (DefaultPolicyPredictionEnsemble._pick_best_
  policy), and on Policy.predict_action_probabilities' arguments;
- channels/socketio.py overrides SocketIOOutput._send_message and
  OutputChannel.send_response.

Only parameter names are compared (annotations and defaults vary harmlessly).
"""

from __future__ import annotations

import importlib
import inspect
from typing import Dict, List, Tuple

RASA_VERSION = "3.6.21"  # requirements.txt's pin
# "module:Attribute.path" -> its parameter names in Rasa RASA_VERSION
PARAMETERS: Dict[str, Tuple[str, ...]] = {
    "rasa.core.actions.action:RemoteAction.run": (
        "self",
        "output_channel",
        "nlg",
        "tracker",
        "domain",
    ),
    "rasa.core.actions.action:RemoteAction._validate_action_result": (
        "self",
        "result",
    ),
    "rasa.core.actions.action:ActionRetrieveResponse.run": (
        "self",
        "output_channel",
        "nlg",
        "tracker",
        "domain",
    ),
    "rasa.shared.core.domain:Domain.states_for_tracker_history": (
        "self",
        "tracker",
        "omit_unset_slots",
        "ignore_rule_only_turns",
        "rule_only_data",
    ),
    "rasa.core.policies.rule_policy:RulePolicy._get_possible_keys": (
        "self",
        "lookup",
        "states",
    ),
    "rasa.core.policies.rule_policy:RulePolicy._rule_key_to_state": ("rule_key",),
    "rasa.core.policies.ensemble:DefaultPolicyPredictionEnsemble._pick_best_policy": (
        "predictions",
    ),
    "rasa.core.policies.policy:Policy.predict_action_probabilities": (
        "self",
        "tracker",
        "domain",
        "rule_only_data",
        "kwargs",
    ),
    "rasa.core.channels.socketio:SocketIOOutput._send_message": (
        "self",
        "socket_id",
        "response",
    ),
    "rasa.core.channels.channel:OutputChannel.send_response": (
        "self",
        "recipient_id",
        "message",
    ),
}


def _target(path: str) -> object:
    module, attributes = path.split(":")
    found: object = importlib.import_module(module)
    for name in attributes.split("."):
        found = getattr(found, name)
    return inspect.unwrap(found)  # type: ignore[arg-type]


def mismatches() -> List[str]:
    """What differs from the Rasa this project was written for (empty: nothing)."""
    import rasa

    problems = []
    if rasa.__version__ != RASA_VERSION:
        problems.append(f"Rasa {rasa.__version__}, not {RASA_VERSION}")
    for path, expected in PARAMETERS.items():
        try:
            found = tuple(inspect.signature(_target(path)).parameters)  # type: ignore[arg-type]
        except (AttributeError, ImportError) as error:
            problems.append(f"{path}: missing ({error})")
            continue
        if found != expected:
            problems.append(f"{path}: parameters {found}, expected {expected}")
    return problems


def check() -> None:
    """Raise before anything is patched when Rasa is not the one this code knows."""
    problems = mismatches()
    if problems:
        raise RuntimeError(
            "Rasa's internals changed; see docs/rasa-upgrade.md:\n- "
            + "\n- ".join(problems)
        )
