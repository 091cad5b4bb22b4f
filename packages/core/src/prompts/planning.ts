/**
 * Planning prompts, written for smol: a facts survey and a plan before the first step, then an
 * update every `planningInterval` steps that knows how many steps remain.
 */

const FACTS_AND_PLAN_FORMAT = `Write a facts survey in three parts, then a plan:

### 1. Facts given in the task
The precise facts the task states: names, numbers, dates, constraints.

### 2. Facts to look up
What is missing, and where it could be found.

### 3. Facts to derive
What must be computed or reasoned out from the above.

Put only facts and open questions in the survey, no guesses.

## Plan
A numbered list of high-level steps that, carried out in order with the tools below, lead to the answer. Skip nothing needed and add nothing needless. Do not call any tool now. The last step gives the final answer. After it, write <end_plan> and stop.`;

export const INITIAL_PLAN_PROMPT = `You are about to work on a task. Before the first step, take stock of what you know and plan the work.

The task:
"""
{{task}}
"""

${FACTS_AND_PLAN_FORMAT}

The tools you will have:
{{tools}}
{{managedAgentsSection}}`;

export const UPDATE_PLAN_PRE_MESSAGES = `You are working on this task:
"""
{{task}}
"""

Work has already started. What you tried and what you observed so far follows. Read it, then update your facts survey and your plan.`;

export const UPDATE_PLAN_POST_MESSAGES = `That is all the work done so far. Now write an updated facts survey and plan.

### 1. Facts given in the task
### 2. Facts learned so far
### 3. Facts still to look up
### 4. Facts still to derive

## Plan
A numbered list of the steps that remain, building on what worked and avoiding what failed. You have {{remainingSteps}} steps left (this one included), so plan to give the final answer within them. Do not call any tool now. After the last step, write <end_plan> and stop.

The tools you have:
{{tools}}
{{managedAgentsSection}}`;
