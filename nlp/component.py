"""The base of the NLU components that read each message and learn nothing.

Rasa builds a graph component through `create(config, model_storage, resource,
execution_context)`; these components need only their settings, the defaults merged
with config.yml's. One `create` here instead of a copy in each.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message


class MessageReader(GraphComponent):
    """A component built from its settings alone; subclasses read `config` in
    `__init__` and define `process`."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {}

    def __init__(self, config: Dict[str, Any]) -> None:
        self._config = config

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> MessageReader:
        return cls({**cls.get_default_config(), **config})

    def process(self, messages: List[Message]) -> List[Message]:
        raise NotImplementedError
