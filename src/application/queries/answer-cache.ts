/**
 * Answers that are pure functions of the read models and the query, kept until the read models move on
 * (their epoch changes), at most `size` of them: a dashboard asking again costs no recomputation, and
 * the same answer object lets the HTTP edge reuse its JSON text (src/http/json-answer.ts).
 */
export class AnswerCache<Answer> {
  private readonly answers = new Map<string, Answer>();
  private epoch = '';

  constructor(private readonly size: number) {}

  /** The answer kept for `key` at `epoch`, or the one `compute` gives (a throw keeps nothing). */
  answer(epoch: string, key: string, compute: () => Answer): Answer {
    if (epoch !== this.epoch) {
      this.answers.clear();
      this.epoch = epoch;
    }
    const kept = this.answers.get(key);
    if (kept !== undefined) return kept;
    const answer = compute();
    if (this.answers.size >= this.size) this.answers.clear();
    this.answers.set(key, answer);
    return answer;
  }
}
