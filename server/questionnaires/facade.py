"""The one questionnaire service the app holds: the commands (``service``), answering
(``responses``) and reading (``reading``) share one base, one clock and one limiter."""

from __future__ import annotations

from server.questionnaires.reading import Reading
from server.questionnaires.responses import Answering
from server.questionnaires.service import QuestionnaireService


class Questionnaires(QuestionnaireService, Answering, Reading):
    """Everything ``server.questionnaires`` does, for the views, the CLI and the demo."""
