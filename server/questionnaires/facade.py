"""The one questionnaire service the app holds: the commands (``service``), answering
(``responses``) and reading (``reading``) share one base, one clock and one limiter;
exports render a read view as a file."""

from __future__ import annotations

import asyncio
import re

from server.auth.principal import Principal
from server.questionnaires import exports, schemas
from server.questionnaires.reading import Reading
from server.questionnaires.responses import Answering
from server.questionnaires.service import QuestionnaireService


class Questionnaires(QuestionnaireService, Answering, Reading):
    """Everything ``server.questionnaires`` does, for the views, the CLI and the demo."""

    async def export(
        self, actor: Principal | None, qid: int, query: schemas.ExportQuery
    ) -> tuple[bytes, str]:
        """The view ``query.view`` as ``query.format`` and its file name. Rendering runs
        in a worker thread: a large .docx does not hold up other requests."""
        if query.view == "distribution":
            d = await self.distribution(actor, qid)
            title = (await self.get(actor, qid)).title
            table = exports.csv_bytes(exports.DISTRIBUTION_COLUMNS, exports.distribution_rows(d))
            blocks = exports.distribution_blocks(title, d)
        else:
            loaded = await self.load(actor, qid, query)
            title = loaded.questionnaire.title
            if query.view == "by-question":
                view = self.group_by_question(loaded, query)
                table = (
                    exports.csv_bytes(exports.QUESTION_COLUMNS, exports.question_rows(view))
                    if query.format == "csv"
                    else b""
                )
                blocks = exports.question_blocks(title, view)
            else:
                texts = {x.number: x.text for x in loaded.questions}
                table = (
                    exports.csv_bytes(
                        exports.RESPONDENT_COLUMNS, exports.respondent_rows(loaded.responses)
                    )
                    if query.format == "csv"
                    else b""
                )
                blocks = exports.respondent_blocks(title, loaded.responses, texts)
        data = await asyncio.to_thread(exports.render, query.format, title, blocks, table)
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "questionnaire"
        return data, f"{slug}-{query.view}.{query.format}"
