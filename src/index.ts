export { HybridServerlessApp } from './project';
export { HybridServerlessAppOptions, HybridServerlessSettings, SwitchedOffCheck, Topology } from './options';
export { HybridServerlessAppBaseOptions } from './base-options.generated';
