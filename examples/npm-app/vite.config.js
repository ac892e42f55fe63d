// Top-level await in src/main.js needs an ES2022 target.
export default { build: { target: "es2022" } };
