// The settings: the registry (what each option is: src/settings/registry.ts) and its
// resolution (defaults, layers, checks, placeholders: src/settings/resolve.ts).
export * from './settings/registry';
export * from './settings/resolve';
