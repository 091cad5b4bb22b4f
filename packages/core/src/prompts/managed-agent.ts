/** Prompts for team members: the task a manager hands over, and the report that goes back. */

export const MANAGED_AGENT_TASK_PROMPT = `You are '{{name}}', a member of a team. Your manager has handed you this task:
"""
{{task}}
"""

Your manager only sees what you pass to final_answer, so make it complete. Organise it in three parts:
### 1. Outcome in brief
### 2. Outcome in detail
### 3. Context
Anything that helps the manager use your result: sources, assumptions, what you could not check.

Even if you cannot finish the task, call final_answer with what you found and what stopped you, so your manager can decide what to do next.`;

export const MANAGED_AGENT_REPORT_PROMPT = `Report from your team member '{{name}}':
{{finalAnswer}}`;
