#!/usr/bin/env node
import { webagent } from "../webagent.js";

process.exitCode = await webagent(process.argv.slice(2));
