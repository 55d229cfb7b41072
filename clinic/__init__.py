"""The clinic assistant's core: plain Python, no Rasa.

Clinic facts and hours, privacy, the health screen and booking live here. Both
deployable sides use it: the Rasa server (channels/, nlp/, stores/, server/) and the
action server (actions/). It imports neither of them, nor rasa or rasa_sdk (checked by
import-linter).
"""
