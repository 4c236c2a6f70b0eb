export { HybridServerlessApp } from './project';
export { EnvironmentSettings, HybridServerlessAppOptions, HybridServerlessSettings, SwitchedOffCheck, Topology } from './options';
export { HybridServerlessAppBaseOptions } from './base-options.generated';
