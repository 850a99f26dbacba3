/** The guided camera shots of a registration: how many are needed and what each asks for. */

/** Accepted camera shots a registration needs before it is offered as done. */
export const REQUIRED_SHOTS = 3;

export interface ShotPrompt {
  /** "Shot 2 of 3", or "Shot 4 (optional)" past the required ones. */
  label: string;
  title: string;
  hint: string;
}

/** The guided poses, in order; then extra shots are optional. */
const PROMPTS = [
  { title: 'Look straight at the camera', hint: 'Face the lens, eyes open, neutral expression.' },
  { title: 'Turn your head slightly to the left', hint: 'A small turn, about a quarter of the way; keep looking ahead.' },
  { title: 'Turn your head slightly to the right', hint: 'The same small turn, to the other side.' },
];
const EXTRA_PROMPT = { title: 'One more shot, if you like', hint: 'Vary the pose or the light a little: more shots make recognition sturdier.' };

/** What to ask for next, after `taken` accepted shots. */
export function nextShotPrompt(taken: number): ShotPrompt {
  const n = taken + 1;
  return { label: taken < REQUIRED_SHOTS ? `Shot ${n} of ${REQUIRED_SHOTS}` : `Shot ${n} (optional)`, ...(PROMPTS[taken] ?? EXTRA_PROMPT) };
}
