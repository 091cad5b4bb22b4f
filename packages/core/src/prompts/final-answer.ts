/** Prompts used when a run reaches `maxSteps`: the model answers from the memory alone. */

export const FINAL_ANSWER_PRE_MESSAGES = `An agent was working on a task but ran out of steps before giving an answer. Its memory follows: the task, what it did and what it observed. From that memory alone, write the best answer you can.`;

export const FINAL_ANSWER_POST_MESSAGES = `That was the agent's whole memory. Now answer the task below, using only what the memory contains. If it does not hold enough to answer fully, give your best partial answer and say what is missing.

The task:
"""
{{task}}
"""`;
