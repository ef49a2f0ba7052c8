#!/usr/bin/env node
// A native-solc look-alike over the npm `solc` package (the same compiler built to WebAssembly).
// py-solc-x (and so ape-solidity) only ever runs `solc-vX --version` and `solc-vX --standard-json`,
// so this answers exactly those two, in native solc's formats.
"use strict";

const fs = require("fs");
const path = require("path");

const USAGE = "usage: solc --version | solc --standard-json [--base-path DIR] [--include-path DIR] [--allow-paths DIRS]";

function loadSolc() {
  const modulePath = process.env.APE_SUM_SOLC_MODULE || "solc";
  try {
    return require(modulePath);
  } catch (err) {
    process.stderr.write(
      `solc bridge: cannot load the npm solc package from '${modulePath}' (${err.message}).\n` +
        "Run `make setup` in the ape-sum project to install it.\n",
    );
    process.exit(3);
  }
}

function parseArgs(argv) {
  const options = { version: false, standardJson: false, roots: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inlineValue] = arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s) : [arg, undefined];
    const takeValue = () => (inlineValue !== undefined ? inlineValue : argv[++i]);
    switch (flag) {
      case "--version":
        options.version = true;
        break;
      case "--standard-json":
        options.standardJson = true;
        break;
      case "--base-path":
      case "--include-path":
        options.roots.push(takeValue());
        break;
      case "--allow-paths":
        options.roots.push(...takeValue().split(",").filter(Boolean));
        break;
      default:
        process.stderr.write(`solc bridge: unsupported argument '${arg}'\n${USAGE}\n`);
        process.exit(2);
    }
  }
  return options;
}

// Native solc prints e.g. "Version: 0.8.30+commit.73712a01.Linux.g++"; py-solc-x parses that line.
function nativeVersionLine(solc) {
  const match = /^(\d+\.\d+\.\d+)\+(commit\.[0-9a-f]+)/.exec(solc.version());
  if (!match) throw new Error(`unexpected solc version string '${solc.version()}'`);
  return `Version: ${match[1]}+${match[2]}.Linux.g++`;
}

function importCallback(roots) {
  return (importPath) => {
    const candidates = path.isAbsolute(importPath) ? [importPath] : roots.map((root) => path.resolve(root, importPath));
    for (const candidate of candidates) {
      if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, "utf8") };
    }
    return { error: `File not found: ${importPath} (searched ${roots.join(", ") || "no base path"})` };
  };
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.version) {
    const solc = loadSolc();
    process.stdout.write(`solc, the solidity compiler commandline interface\n${nativeVersionLine(solc)}\n`);
    return;
  }
  if (!options.standardJson) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const solc = loadSolc();
  const input = fs.readFileSync(0, "utf8");
  const output = solc.compile(input, { import: importCallback(options.roots) });
  process.stdout.write(output);
}

main();
