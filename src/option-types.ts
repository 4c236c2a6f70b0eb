import * as fs from 'fs';
import * as path from 'path';
import * as projen from 'projen';
import * as ownTypes from './options';
import { didYouMean, show } from './validate';

// .projenrc.ts runs transpile-only (type-checking it took most of every `npx projen`): what the
// type-checker said about the options is said here instead, from the type information that jsii
// ships with this package and with projen. Misspelt options and values of the wrong type are
// reported by `npx projen`; the build's typecheck task still type-checks all of .projenrc.ts.

/** A jsii type reference (the parts used here). */
interface TypeRef {
  readonly primitive?: string;
  readonly collection?: { readonly kind: 'array' | 'map'; readonly elementtype: TypeRef };
  readonly fqn?: string;
  readonly union?: { readonly types: readonly TypeRef[] };
}

interface Property {
  readonly name: string;
  readonly type: TypeRef;
  readonly optional?: boolean;
}

interface JsiiType {
  readonly kind: 'class' | 'interface' | 'enum';
  readonly datatype?: boolean;
  readonly interfaces?: readonly string[];
  readonly properties?: readonly Property[];
  readonly members?: readonly { readonly name: string }[];
}

/** The jsii assemblies whose types are checked: this package's and projen's (others are not). */
const ASSEMBLIES: Record<string, () => { manifest: string; exports: unknown }> = {
  // This package's enums are in ./options (the only one, Topology, belongs to a setting checked elsewhere).
  'create-hybrid-serverless': () => ({ manifest: path.join(__dirname, '..', '.jsii'), exports: ownTypes }),
  'projen': () => ({ manifest: path.join(path.dirname(require.resolve('projen/package.json')), '.jsii'), exports: projen }),
};

const loaded = new Map<string, { types: Record<string, JsiiType>; exports: unknown } | null>();

function assemblyOf(fqn: string) {
  const name = fqn.split('.')[0];
  if (!loaded.has(name)) {
    const source = ASSEMBLIES[name]?.();
    loaded.set(name, source && fs.existsSync(source.manifest)
      ? { types: JSON.parse(fs.readFileSync(source.manifest, 'utf-8')).types, exports: source.exports }
      : null);
  }
  return loaded.get(name);
}

function typeOf(fqn: string): JsiiType | undefined {
  return assemblyOf(fqn)?.types[fqn];
}

/** Every property of a struct, its base structs' included. */
function propertiesOf(fqn: string): Property[] {
  const type = typeOf(fqn);
  if (!type) return [];
  return [...(type.interfaces ?? []).flatMap(propertiesOf), ...(type.properties ?? [])];
}

/** The values of an enum at run time (`NodePackageManager.NPM` is "npm"), from the module itself. */
function enumValues(fqn: string, type: JsiiType): unknown[] | undefined {
  const [, ...names] = fqn.split('.');
  let value: any = assemblyOf(fqn)?.exports;
  for (const name of names) value = value?.[name];
  if (!value) return undefined;
  return (type.members ?? []).map((member) => value[member.name]);
}

export interface OptionProblem {
  readonly key: string;
  readonly message: string;
}

function describe(ref: TypeRef): string {
  if (ref.primitive) return ref.primitive === 'json' || ref.primitive === 'any' ? 'any value' : `a ${ref.primitive}`;
  if (ref.collection) return ref.collection.kind === 'array' ? 'a list' : 'an object';
  if (ref.union) return ref.union.types.map(describe).join(' or ');
  return `a ${ref.fqn!.split('.').pop()}`;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Problems with `value` as a value of type `ref`, named from `key`. */
function check(value: unknown, ref: TypeRef, key: string): OptionProblem[] {
  if (ref.union) {
    return ref.union.types.some((member) => check(value, member, key).length === 0)
      ? []
      : [{ key, message: `${show(value)} must be ${describe(ref)}.` }];
  }
  if (ref.primitive) {
    const wanted = { string: 'string', number: 'number', boolean: 'boolean' }[ref.primitive];
    return wanted && typeof value !== wanted ? [{ key, message: `${show(value)} must be ${describe(ref)}.` }] : [];
  }
  if (ref.collection) {
    const { kind, elementtype } = ref.collection;
    if (kind === 'array') {
      if (!Array.isArray(value)) return [{ key, message: `${show(value)} must be a list.` }];
      return value.flatMap((element, i) => check(element, elementtype, `${key}[${i}]`));
    }
    if (!isPlainObject(value)) return [{ key, message: `${show(value)} must be an object.` }];
    return Object.entries(value).flatMap(([name, element]) => check(element, elementtype, `${key}.${name}`));
  }
  const type = ref.fqn ? typeOf(ref.fqn) : undefined;
  if (!type) return []; // another assembly (constructs, …): not checked here
  if (type.kind === 'enum') {
    const values = enumValues(ref.fqn!, type);
    return values && !values.includes(value)
      ? [{ key, message: `${show(value)} must be one of ${values.map((v) => show(v)).join(', ')}.` }]
      : [];
  }
  if (type.kind === 'interface' && type.datatype) {
    if (!isPlainObject(value)) return [{ key, message: `${show(value)} must be an object (${describe(ref)}).` }];
    return checkStruct(value, ref.fqn!, `${key}.`);
  }
  return []; // classes and behavioural interfaces: whatever the code passes
}

/**
 * Problems with an object literal as a value of the struct `fqn`: keys the struct does not
 * have (with the likely meant one), required keys left out, values of the wrong type. `skip`
 * names keys whose values are checked elsewhere (with messages of their own).
 */
export function checkStruct(value: Record<string, unknown>, fqn: string, prefix = '', skip: readonly string[] = []): OptionProblem[] {
  const properties = propertiesOf(fqn);
  if (properties.length === 0) return [];
  const byName = new Map(properties.map((property) => [property.name, property]));
  const problems: OptionProblem[] = [];
  for (const [name, given] of Object.entries(value)) {
    const property = byName.get(name);
    if (!property) {
      problems.push({ key: `${prefix}${name}`, message: `unknown option.${didYouMean(name, [...byName.keys()])}` });
    } else if (given !== undefined && !skip.includes(name)) {
      problems.push(...check(given, property.type, `${prefix}${name}`));
    }
  }
  for (const property of properties) {
    if (!property.optional && value[property.name] === undefined) {
      problems.push({ key: `${prefix}${property.name}`, message: `is required (${describe(property.type)}).` });
    }
  }
  return problems;
}

/**
 * Problems with the options of HybridServerlessApp that the type-checker would have reported:
 * unknown options, and values of projen's options of the wrong type. This package's own settings
 * are left to their validators (resolveSettings), whose messages say more.
 */
export function optionProblems(options: object): OptionProblem[] {
  const own = propertiesOf('create-hybrid-serverless.HybridServerlessSettings').map((property) => property.name);
  // `projen new` passes what it needs to write .projenrc.ts under a key of its own.
  const { [PROJEN_NEW]: _projenNew, ...given } = options as Record<string, unknown>;
  return checkStruct(given, 'create-hybrid-serverless.HybridServerlessAppOptions', '', own);
}

/** The key under which `projen new` passes its own arguments to the project (projen's javascript/render-options). */
const PROJEN_NEW = '__new__';
