// The inputs' pages by query string: ?questionnaire=<qid> (editor), ?answer=<qid>
// [&draft=<token>] (the public form), ?responses=<qid>, ?issues=<gid>, ?correspondence=<cid>.
import type { Me } from "../api/types";
import { answerPage } from "./answer";
import { correspondencePage } from "./correspondence";
import { issuesPage } from "./issues";
import { questionnairePage } from "./questionnaire";
import { responsesPage } from "./responses";

export async function inputsRoute(me: Me, q: URLSearchParams): Promise<HTMLElement | null> {
  const answer = q.get("answer");
  if (answer) return answerPage(answer, q.get("draft"));
  const questionnaire = q.get("questionnaire");
  if (questionnaire) return questionnairePage(me, questionnaire);
  const responses = q.get("responses");
  if (responses) return responsesPage(me, responses);
  const issues = q.get("issues");
  if (issues) return issuesPage(me, issues);
  const cg = q.get("correspondence");
  if (cg) return correspondencePage(me, cg);
  return null;
}
