"""Custom actions for the clinic assistant (rasa-sdk action server).

Modules hold Rasa glue (read the tracker, call pure logic, utter, return events);
the logic itself lives in small functions that the unit tests call directly.
"""

import logging

from clinic.privacy import install_log_redaction

install_log_redaction()
logging.captureWarnings(True)  # warnings go through the redaction too
