#!/usr/bin/env node
import { smolagent } from "../smolagent.js";

process.exitCode = await smolagent(process.argv.slice(2));
