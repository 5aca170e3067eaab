//! The dstack 0.22.5 configuration model: every type, object and property, loaded once from embedded data.
//!
//! Over 600 lines: one cohesive table — the typed mirror of `model.json` (its types, then the
//! lookups over them); split, a reader would chase one schema across files.
//!
//! The single source of truth is `data/model.json` (embedded with `include_str!`, parsed once with
//! serde_json behind a [`std::sync::OnceLock`]). Everything that needs to know "what keys does a
//! `service` have, what values does `spot_policy` take, what is `gpu`'s shorthand called" asks [`model()`].
//! The JSON Schema in `schemas/dstack.schema.json` is generated from the same data (see [`schema`]).
//!
//! Checks of the data: the crate's tests (integrity, API, an `expect_file!` listing of every
//! object, schema staleness), and `scripts/check_examples.py`, which runs dstack 0.22.5 itself
//! on one file per property example and per type skeleton (all accepted) and, with `--shapes`, on
//! probes of every claim the shapes make: `null` accepted or not, each enum value and alias, letter
//! case, bounds, numbers in string fields, scalars for lists and mappings, lax integers and booleans
//! (1099 probes agree with dstack; 11 known exceptions are
//! rules outside the shapes).
//!
//! # Vocabulary
//!
//! - A [`ConfigTypeModel`] describes one of the seven values of `type:` (`dev-environment`, `task`, `service`, `fleet`,
//!   `gateway`, `volume`, `preset`). Its [`ConfigTypeModel::root`] is a [`Shape`]: an [`Shape::Object`] for six
//!   types and a [`Shape::Union`] discriminated by `backend` for `volume`.
//! - An [`Object`] is a YAML mapping with a fixed set of keys (`resources`, `gpu`, `retry`, …), identified by
//!   a stable id (`"resources"`, `"gpu"`, `"model-openai"`, …). Its [`Object::properties`] are in documented
//!   order; [`Object::removed`] lists keys that older dstack releases accepted.
//! - A [`Property`] has the accepted forms ([`Property::shapes`], alternatives, idiomatic form first),
//!   `required`, the default as display text, docs, example, `since` and deprecation, and
//!   [`Property::aliases`] (other accepted spellings of the key).
//! - Object-level [`KeyRule`]s: [`Object::requires_any`] ("`commands` or `image`"),
//!   [`Object::exclusive`] ("`image` and `python` exclude each other") and [`Object::forbidden`]
//!   ("`entrypoint` is not supported for dev environments"); the first two use dstack's
//!   truthiness, `forbidden` rejects any non-null value.
//! - A [`Shape`] is one accepted form of a value: a string (possibly in a named dstack [`Syntax`] such as
//!   `gpu` or `duration`), integer/number with bounds, boolean, null, enum, object reference, discriminated
//!   union, list or map.
//! - A [`Syntax`] is a named dstack string mini-language (`gpu`, `memory-range`, `duration`, …), with docs.
//!   The parsers live in `dstack-values`; the model only names them.
//!
//! # Lookups
//!
//! - [`model()`]`.`[`config_type`](Model::config_type)`("task")`, [`object`](Model::object)`(id)`,
//!   [`syntax`](Model::syntax)`(name)`;
//! - by key path ([`PathSeg::Key`] / [`PathSeg::Index`]), walking lists, maps and all union variants:
//!   [`shapes_at_path`](Model::shapes_at_path) (for value checks and value completion),
//!   [`objects_at_path`](Model::objects_at_path) / [`object_at_path`](Model::object_at_path),
//!   [`properties_at_path`](Model::properties_at_path) (key completion: merged, doc order, no hidden
//!   keys), [`property_at_path`](Model::property_at_path) (hover; resolves aliases),
//!   [`docs_url_at_path`](Model::docs_url_at_path);
//! - [`other_types_with_property`](Model::other_types_with_property) ("`port` is only valid in a
//!   `service`"), [`removed_property`](Model::removed_property) ("`pool_name` was removed in 0.20.0");
//! - [`ConfigTypeModel::key_order`], [`ConfigTypeModel::variant`] (a volume backend), [`Object::property`],
//!   [`Object::removed_property`], [`Property::value_kind`] (scalar / mapping / list to insert),
//!   [`Property::enum_values`], [`Property::syntaxes`], [`Property::nullable`],
//!   [`Property::removed_value`], [`Shape::describe`].
//!
//! To change the data, edit `data/model.json`, then regenerate the schema
//! (`cargo run -p dstack-model --example gen_schema > schemas/dstack.schema.json`) and the listing
//! snapshot (`UPDATE_EXPECT=1 cargo test -p dstack-model`).
//!
//! ```
//! use dstack_model::{model, PathSeg};
//! let m = model();
//! let task = m.config_type("task").unwrap();
//! assert_eq!(task.key_order()[0], "type");
//! let resources = m.object("resources").unwrap();
//! assert!(resources.property("gpu").is_some());
//! // Walk through lists and unions: the object of each `volumes` item (network or instance mount).
//! let objs = m.objects_at_path("task", &[PathSeg::Key("volumes"), PathSeg::Index(0)]);
//! assert!(objs.iter().any(|o| o.id == "volume-mount-instance"));
//! // `port` exists only on services.
//! let others: Vec<_> = m.other_types_with_property("port").iter().map(|t| t.name.as_str()).collect();
//! assert_eq!(others, ["service"]);
//! ```
//!
//! Validation semantics (pydantic v2 as dstack 0.22.5 configures it; checked with dstack itself):
//! - every object forbids unknown keys ("Extra inputs are not permitted");
//! - string fields also accept numbers, converted to text ([`Shape::String`]`::coerce_numbers`), but
//!   not booleans or `null`;
//! - `null` (or an empty value) is accepted only where [`Shape::Null`] is listed;
//! - integer and number fields use lax mode: booleans (as 0/1), integral floats (`5.0`) and numeric
//!   text (`"5"`, `" 5 "`, `"1_0"`, `"5.0"`) pass; bounds are then checked;
//! - boolean fields accept `0`/`1` and the words `true/false/yes/no/on/off/y/n/t/f` in any case;
//! - discriminated unions ([`Shape::Union`]) need their tag key unless [`Shape::Union`]`::default`
//!   names a variant; the tag must match exactly;
//! - list shapes accept only lists (a scalar is not wrapped);
//! - [`KeyRule`]s `requires_any` and `exclusive` use Python truthiness, as dstack's validators do.

pub mod schema;

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The version of dstack this model describes.
pub const DSTACK_VERSION: &str = "0.22.5";

static DATA: &str = include_str!("../data/model.json");

/// The model, parsed on first use. The embedded data is checked by the crate's tests, so parsing
/// cannot fail for a released build; a broken file yields an empty model rather than a panic.
pub fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| Model::from_json(DATA).unwrap_or_default())
}

/// The whole model: syntaxes, types, objects.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub version: String,
    pub syntaxes: Vec<Syntax>,
    pub types: Vec<ConfigTypeModel>,
    pub objects: Vec<Object>,
    object_index: HashMap<String, usize>,
}

/// A named dstack string mini-language (`gpu`, `duration`, …).
#[derive(Clone, Debug, Deserialize)]
pub struct Syntax {
    pub name: String,
    /// One-line summary.
    pub summary: String,
    /// Markdown explanation of the grammar, in our words.
    pub doc: String,
    /// A few valid examples.
    pub examples: Vec<String>,
}

/// One value of `type:`.
#[derive(Clone, Debug, Deserialize)]
pub struct ConfigTypeModel {
    /// The `type:` value, e.g. `"dev-environment"`.
    pub name: String,
    /// A paragraph on what the type is for.
    pub doc: String,
    /// dstack's reference page for the type.
    pub docs_url: String,
    /// The concept page in dstack's docs.
    pub concept_url: String,
    /// The shape of the whole document: `object` (or, for `volume`, a union on `backend`).
    pub root: Shape,
    /// A minimal valid document with `${1:…}` tab stops, for completion in an empty file.
    pub skeleton: String,
    /// The release that introduced the type, where known.
    #[serde(default)]
    pub since: Option<String>,
    /// Experimental types are documented as subject to change.
    #[serde(default)]
    pub experimental: bool,
}

/// A YAML mapping with known keys.
#[derive(Clone, Debug, Deserialize)]
pub struct Object {
    pub id: String,
    /// Display name, e.g. `resources.gpu`.
    pub title: String,
    pub doc: String,
    #[serde(default)]
    pub docs_url: Option<String>,
    /// Properties in documented order (after `use` fragments are expanded).
    #[serde(default, rename = "properties")]
    raw_properties: Vec<PropertyEntry>,
    #[serde(skip)]
    pub properties: Vec<Property>,
    /// Keys accepted by older dstack releases that 0.22.5 rejects.
    #[serde(default)]
    pub removed: Vec<RemovedProperty>,
    /// For a variant of a discriminated union: its tag key and value (e.g. `("format", "tgi")`).
    #[serde(default)]
    pub tag: Option<Tag>,
    /// A fragment only groups shared properties for `use`; it is never a value's object.
    #[serde(default)]
    pub fragment: bool,
    /// Rules "at least one of these keys must be present" (e.g. `commands` or `image`).
    #[serde(default)]
    pub requires_any: Vec<KeyRule>,
    /// Rules "at most one of these keys may be present" (e.g. `image` and `python`).
    #[serde(default)]
    pub exclusive: Vec<KeyRule>,
    /// Rules "none of these keys may have a value other than `null`": fields the model has but a
    /// validator always rejects (e.g. `entrypoint` in a dev environment; even `""` is rejected).
    #[serde(default)]
    pub forbidden: Vec<KeyRule>,
}

/// A rule over which keys of an object may or must be set together. As in dstack's validators, a
/// key counts as set only when its value is "truthy": present and not `null`, `false`, `0`, `""`,
/// `[]` or `{}` (so `image: x` with `python: null` is fine).
#[derive(Clone, Debug, Deserialize)]
pub struct KeyRule {
    pub keys: Vec<String>,
    /// Keys among `keys` that count as set only when their value is a list (a service's legacy
    /// list-form `replicas` stands in for `groups`).
    #[serde(default)]
    pub when_list: Vec<String>,
    /// The problem in words, for messages.
    pub message: String,
}

/// The discriminator of a union variant.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum PropertyEntry {
    Use {
        #[serde(rename = "use")]
        fragment: String,
        #[serde(default)]
        only: Option<Vec<String>>,
        #[serde(default)]
        except: Vec<String>,
    },
    Property(Box<Property>),
}

/// One key of an object.
#[derive(Clone, Debug, Deserialize)]
pub struct Property {
    pub name: String,
    /// Other names dstack accepts for this key (e.g. `count` for a replica group's `replicas`).
    /// Completion offers only `name`.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Accepted forms (alternatives), the idiomatic one first: that is the form completion should
    /// suggest (e.g. the `gpu` shorthand string before the mapping). Includes [`Shape::Null`] when
    /// `key: null` (or an empty value) is accepted.
    pub shapes: Vec<Shape>,
    /// The key must be present.
    #[serde(default)]
    pub required: bool,
    /// A conditional requirement or exclusion, in words (e.g. "required unless `image` is set").
    #[serde(default)]
    pub note: Option<String>,
    /// The default as display text (`"2.."`, `"on-demand"`), `None` when there is none to show.
    #[serde(default)]
    pub default: Option<String>,
    /// Markdown paragraph, in our words.
    pub doc: String,
    /// A YAML example (the key and its value).
    pub example: String,
    /// More reading in dstack's docs.
    #[serde(default)]
    pub docs_url: Option<String>,
    /// The release that introduced the property, where known.
    #[serde(default)]
    pub since: Option<String>,
    /// Set when dstack still accepts the key but it is deprecated.
    #[serde(default)]
    pub deprecated: Option<Deprecation>,
    /// Accepted but not documented by dstack (internal); completion should not offer it.
    #[serde(default)]
    pub hidden: bool,
    /// Overrides the kind of value to insert on completion (otherwise from the first non-null shape).
    #[serde(default)]
    pub insert: Option<ValueKind>,
    /// Values older dstack releases accepted here that 0.22.5 rejects (e.g. `python: 3.8`).
    #[serde(default)]
    pub removed_values: Vec<RemovedValue>,
}

/// A value of a property that dstack 0.22.5 rejects but earlier releases accepted.
#[derive(Clone, Debug, Deserialize)]
pub struct RemovedValue {
    pub value: String,
    #[serde(default)]
    pub deprecated_in: Option<String>,
    pub removed_in: String,
    /// What to write instead, in words.
    pub note: String,
}

/// A deprecated-but-accepted property.
#[derive(Clone, Debug, Deserialize)]
pub struct Deprecation {
    /// The release that deprecated it.
    pub since: String,
    /// What to use instead, if anything.
    #[serde(default)]
    pub replacement: Option<String>,
    /// What happens to the value now (e.g. "ignored").
    pub note: String,
}

/// A key that dstack 0.22.5 rejects ("Extra inputs are not permitted") but earlier releases accepted.
#[derive(Clone, Debug, Deserialize)]
pub struct RemovedProperty {
    pub name: String,
    /// The release that deprecated it, if it went through a deprecation.
    #[serde(default)]
    pub deprecated_in: Option<String>,
    /// The release from which the key is an error.
    pub removed_in: String,
    /// The property to use instead (may be a key path like `groups[].router`).
    #[serde(default)]
    pub replacement: Option<String>,
    /// What changed and how to migrate, in words, with an example where it helps.
    pub note: String,
}

/// The kind of YAML value a completion should insert after `key:`.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ValueKind {
    Scalar,
    Mapping,
    List,
}

/// One accepted form of a value.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Shape {
    /// A string. `syntax` names the dstack mini-language it must follow, if any.
    String {
        #[serde(default)]
        syntax: Option<String>,
        /// A regular expression (Python syntax) the whole string must match.
        #[serde(default)]
        pattern: Option<String>,
        #[serde(default)]
        min_len: Option<u64>,
        #[serde(default)]
        max_len: Option<u64>,
        /// Numbers are accepted and converted to text (pydantic `coerce_numbers_to_str`). True for
        /// every plain string field in dstack; false for `Literal`/enum-like strings.
        #[serde(default = "yes")]
        coerce_numbers: bool,
    },
    /// An integer; pydantic bounds `gt`/`ge`/`lt`/`le`.
    Integer {
        #[serde(default)]
        ge: Option<i64>,
        #[serde(default)]
        gt: Option<i64>,
        #[serde(default)]
        le: Option<i64>,
        #[serde(default)]
        lt: Option<i64>,
    },
    /// A number (int or float).
    Number {
        #[serde(default)]
        ge: Option<f64>,
        #[serde(default)]
        gt: Option<f64>,
        #[serde(default)]
        le: Option<f64>,
        #[serde(default)]
        lt: Option<f64>,
    },
    Boolean,
    Null,
    /// One of fixed strings.
    Enum {
        values: Vec<EnumValue>,
        /// Matching ignores case (e.g. GPU vendor).
        #[serde(default)]
        case_insensitive: bool,
        /// YAML numbers are converted with `str()` before matching (the `python` field).
        #[serde(default)]
        coerce_numbers: bool,
        /// The syntax name when the enum is also a named syntax (e.g. `python`).
        #[serde(default)]
        syntax: Option<String>,
    },
    /// A mapping described by the object with this id.
    Object {
        object: String,
    },
    /// A mapping discriminated by the value of `discriminator`.
    Union {
        discriminator: String,
        variants: Vec<Variant>,
        /// The variant used when the tag key is absent (`None`: the key is required).
        #[serde(default)]
        default: Option<String>,
    },
    List {
        items: Vec<Shape>,
        #[serde(default)]
        min_items: Option<u64>,
        #[serde(default)]
        max_items: Option<u64>,
    },
    /// A mapping with free keys.
    Map {
        values: Vec<Shape>,
        /// The syntax keys must follow, if checked (e.g. `tags`).
        #[serde(default)]
        key_syntax: Option<String>,
    },
}

fn yes() -> bool {
    true
}

/// One allowed value of an enum, with a doc line.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct EnumValue {
    pub value: String,
    pub doc: String,
    /// Also accepted, normalised to `value` (e.g. router `sglang` → `smg`).
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub since: Option<String>,
    /// Accepted for backward compatibility; completion should not offer it first.
    #[serde(default)]
    pub deprecated: bool,
}

/// One variant of a discriminated union.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Variant {
    /// The tag value selecting this variant.
    pub value: String,
    pub object: String,
}

/// One step of a key path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathSeg<'a> {
    Key(&'a str),
    /// A list item (the index does not change the shape).
    Index(usize),
}

#[derive(Deserialize)]
struct RawModel {
    version: String,
    syntaxes: Vec<Syntax>,
    types: Vec<ConfigTypeModel>,
    objects: Vec<Object>,
}

impl Model {
    /// Parses model data and expands `use` fragments. Errors name the problem.
    pub fn from_json(text: &str) -> Result<Model, String> {
        let raw: RawModel = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut objects = raw.objects;
        let index: HashMap<String, usize> = objects
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.clone(), i))
            .collect();
        // Fragments may use fragments: expand until nothing changes (bounded by the object count).
        let mut expanded: Vec<Option<Vec<Property>>> = vec![None; objects.len()];
        for _ in 0..=objects.len() {
            let mut progress = false;
            for i in 0..objects.len() {
                if expanded[i].is_some() {
                    continue;
                }
                let mut out = Vec::new();
                let mut ready = true;
                for entry in &objects[i].raw_properties {
                    match entry {
                        PropertyEntry::Property(p) => out.push((**p).clone()),
                        PropertyEntry::Use {
                            fragment,
                            only,
                            except,
                        } => {
                            let Some(&j) = index.get(fragment) else {
                                return Err(format!(
                                    "object `{}` uses unknown fragment `{fragment}`",
                                    objects[i].id
                                ));
                            };
                            let Some(props) = &expanded[j] else {
                                ready = false;
                                break;
                            };
                            if let Some(only) = only {
                                for name in only {
                                    let Some(p) = props.iter().find(|p| &p.name == name) else {
                                        return Err(format!(
                                            "object `{}` takes `{name}` from `{fragment}`, which has no such property",
                                            objects[i].id
                                        ));
                                    };
                                    out.push(p.clone());
                                }
                            } else {
                                out.extend(
                                    props.iter().filter(|p| !except.contains(&p.name)).cloned(),
                                );
                            }
                        }
                    }
                }
                if ready {
                    expanded[i] = Some(out);
                    progress = true;
                }
            }
            if !progress {
                break;
            }
        }
        for (o, props) in objects.iter_mut().zip(expanded) {
            match props {
                Some(p) => o.properties = p,
                None => return Err(format!("object `{}` has a `use` cycle", o.id)),
            }
        }
        Ok(Model {
            version: raw.version,
            syntaxes: raw.syntaxes,
            types: raw.types,
            objects,
            object_index: index,
        })
    }

    /// The type with this `type:` value.
    pub fn config_type(&self, name: &str) -> Option<&ConfigTypeModel> {
        self.types.iter().find(|t| t.name == name)
    }

    /// The object with this id.
    pub fn object(&self, id: &str) -> Option<&Object> {
        self.object_index.get(id).and_then(|&i| self.objects.get(i))
    }

    /// The named value syntax.
    pub fn syntax(&self, name: &str) -> Option<&Syntax> {
        self.syntaxes.iter().find(|s| s.name == name)
    }

    /// The objects a shape may be: the object itself, or every variant of a union.
    pub fn shape_objects<'m>(&'m self, shape: &Shape) -> Vec<&'m Object> {
        match shape {
            Shape::Object { object } => self.object(object).into_iter().collect(),
            Shape::Union { variants, .. } => variants
                .iter()
                .filter_map(|v| self.object(&v.object))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The root objects of a type (one, or one per `backend` for volumes).
    pub fn root_objects(&self, type_name: &str) -> Vec<&Object> {
        self.config_type(type_name)
            .map(|t| self.shape_objects(&t.root))
            .unwrap_or_default()
    }

    /// Every shape the value at `path` may take. Walks into objects by key, into union variants
    /// (all of them), into list items by index, and into map values by any key.
    pub fn shapes_at_path<'m>(&'m self, type_name: &str, path: &[PathSeg]) -> Vec<&'m Shape> {
        let Some(t) = self.config_type(type_name) else {
            return Vec::new();
        };
        let mut current: Vec<&Shape> = vec![&t.root];
        for seg in path {
            let mut next: Vec<&Shape> = Vec::new();
            for shape in current {
                match (shape, seg) {
                    (Shape::Object { .. } | Shape::Union { .. }, PathSeg::Key(k)) => {
                        for o in self.shape_objects(shape) {
                            if let Some(p) = o.property(k) {
                                next.extend(p.shapes.iter());
                            }
                        }
                    }
                    (Shape::List { items, .. }, PathSeg::Index(_)) => next.extend(items.iter()),
                    (Shape::Map { values, .. }, PathSeg::Key(_)) => next.extend(values.iter()),
                    _ => {}
                }
            }
            let mut dedup: Vec<&Shape> = Vec::new();
            for s in next {
                if !dedup.contains(&s) {
                    dedup.push(s);
                }
            }
            current = dedup;
        }
        current
    }

    /// Every object the mapping at `path` may be, in order, without duplicates. For a union (model
    /// `format`, certificate `type`, volume `backend`) all variants are returned; filter them with
    /// [`Object::tag`] against the document's tag value.
    pub fn objects_at_path<'m>(&'m self, type_name: &str, path: &[PathSeg]) -> Vec<&'m Object> {
        let mut out: Vec<&Object> = Vec::new();
        for shape in self.shapes_at_path(type_name, path) {
            for o in self.shape_objects(shape) {
                if !out.iter().any(|x| x.id == o.id) {
                    out.push(o);
                }
            }
        }
        out
    }

    /// The first object the mapping at `path` may be (see [`Model::objects_at_path`]).
    pub fn object_at_path<'m>(&'m self, type_name: &str, path: &[PathSeg]) -> Option<&'m Object> {
        self.objects_at_path(type_name, path).into_iter().next()
    }

    /// The property named by the last key of `path` (first match among the candidate objects).
    pub fn property_at_path<'m>(
        &'m self,
        type_name: &str,
        path: &[PathSeg],
    ) -> Option<&'m Property> {
        let (last, parent) = path.split_last()?;
        let PathSeg::Key(name) = last else {
            return None;
        };
        self.objects_at_path(type_name, parent)
            .into_iter()
            .find_map(|o| o.property(name))
    }

    /// Properties of the mapping at `path`, merged over all candidate objects, in doc order, first
    /// occurrence wins. Hidden properties are left out. This is what key completion offers.
    pub fn properties_at_path<'m>(
        &'m self,
        type_name: &str,
        path: &[PathSeg],
    ) -> Vec<&'m Property> {
        let mut out: Vec<&Property> = Vec::new();
        for o in self.objects_at_path(type_name, path) {
            for p in &o.properties {
                if !p.hidden && !out.iter().any(|x| x.name == p.name) {
                    out.push(p);
                }
            }
        }
        out
    }

    /// The types whose top level has a property `name`, in model order. Call it when a key is unknown
    /// in the document's type, so every result is another type (for "`port` is only valid in a
    /// `service`").
    pub fn other_types_with_property(&self, name: &str) -> Vec<&ConfigTypeModel> {
        self.types
            .iter()
            .filter(|t| {
                self.shape_objects(&t.root)
                    .iter()
                    .any(|o| o.property(name).is_some())
            })
            .collect()
    }

    /// The best dstack docs link for the key at `path`: the property's own link, else that of the
    /// nearest enclosing object that has one, else the type's reference page.
    pub fn docs_url_at_path<'m>(&'m self, type_name: &str, path: &[PathSeg]) -> Option<&'m str> {
        let t = self.config_type(type_name)?;
        if let Some(url) = self
            .property_at_path(type_name, path)
            .and_then(|p| p.docs_url.as_deref())
        {
            return Some(url);
        }
        let mut end = path.len();
        while end > 0 {
            end -= 1;
            let prefix = path.get(..end).unwrap_or_default();
            if let Some(url) = self
                .objects_at_path(type_name, prefix)
                .into_iter()
                .find_map(|o| o.docs_url.as_deref())
            {
                return Some(url);
            }
        }
        Some(t.docs_url.as_str())
    }

    /// The removed top-level property `name` of a type, if the type ever had it.
    pub fn removed_property(&self, type_name: &str, name: &str) -> Option<&RemovedProperty> {
        self.root_objects(type_name)
            .into_iter()
            .find_map(|o| o.removed_property(name))
    }
}

impl ConfigTypeModel {
    /// Top-level keys in documented order (`type` first). For volumes, merged over backends.
    pub fn key_order(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for o in model().shape_objects(&self.root) {
            for p in &o.properties {
                if !out.contains(&p.name.as_str()) {
                    out.push(p.name.as_str());
                }
            }
        }
        out
    }

    /// For `volume`: the root object for a `backend` value.
    pub fn variant(&self, tag: &str) -> Option<&'static Object> {
        match &self.root {
            Shape::Union { variants, .. } => variants
                .iter()
                .find(|v| v.value == tag)
                .and_then(|v| model().object(&v.object)),
            _ => None,
        }
    }
}

impl Object {
    /// The property with this name or alias.
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.name == name).or_else(|| {
            self.properties
                .iter()
                .find(|p| p.aliases.iter().any(|a| a == name))
        })
    }

    /// The removed property with this name.
    pub fn removed_property(&self, name: &str) -> Option<&RemovedProperty> {
        self.removed.iter().find(|p| p.name == name)
    }

    /// The required properties (present under their name or an alias).
    pub fn required(&self) -> impl Iterator<Item = &Property> {
        self.properties.iter().filter(|p| p.required)
    }
}

impl Property {
    /// `null` (or an empty value) is accepted.
    pub fn nullable(&self) -> bool {
        self.shapes.contains(&Shape::Null)
    }

    /// The shapes other than `null`.
    pub fn non_null_shapes(&self) -> impl Iterator<Item = &Shape> {
        self.shapes.iter().filter(|s| **s != Shape::Null)
    }

    /// What completion should insert after `name:`: the explicit override, else the kind of the
    /// first non-null shape.
    pub fn value_kind(&self) -> ValueKind {
        if let Some(k) = self.insert {
            return k;
        }
        match self.non_null_shapes().next() {
            Some(s) => s.value_kind(),
            None => ValueKind::Scalar,
        }
    }

    /// The enum values accepted, if any shape is an enum (merged).
    pub fn enum_values(&self) -> Vec<&EnumValue> {
        self.shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Enum { values, .. } => Some(values.iter()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// Names of the syntaxes a string value may follow.
    pub fn syntaxes(&self) -> Vec<&str> {
        self.shapes.iter().filter_map(|s| s.syntax()).collect()
    }

    /// The removed value equal to `text`, if any (for "no longer supported since …" messages).
    pub fn removed_value(&self, text: &str) -> Option<&RemovedValue> {
        self.removed_values.iter().find(|v| v.value == text)
    }

    /// The list item shapes, if the property accepts a list.
    pub fn list_items(&self) -> Option<&[Shape]> {
        self.shapes.iter().find_map(|s| match s {
            Shape::List { items, .. } => Some(items.as_slice()),
            _ => None,
        })
    }
}

impl Shape {
    /// Scalar, mapping or list.
    pub fn value_kind(&self) -> ValueKind {
        match self {
            Shape::Object { .. } | Shape::Union { .. } | Shape::Map { .. } => ValueKind::Mapping,
            Shape::List { .. } => ValueKind::List,
            _ => ValueKind::Scalar,
        }
    }

    /// The named syntax of a string or enum shape.
    pub fn syntax(&self) -> Option<&str> {
        match self {
            Shape::String { syntax, .. } | Shape::Enum { syntax, .. } => syntax.as_deref(),
            _ => None,
        }
    }

    /// Short human description of the shape for hovers and messages (`"integer ≥ 1"`, `"gpu string"`).
    pub fn describe(&self) -> String {
        match self {
            Shape::String {
                syntax: Some(s), ..
            } => format!("`{s}` string"),
            Shape::String { .. } => "string".to_string(),
            Shape::Integer { ge, gt, le, lt } => {
                let mut s = "integer".to_string();
                bounds_text(&mut s, ge, gt, le, lt);
                s
            }
            Shape::Number { ge, gt, le, lt } => {
                let mut s = "number".to_string();
                bounds_text(&mut s, ge, gt, le, lt);
                s
            }
            Shape::Boolean => "boolean".to_string(),
            Shape::Null => "null".to_string(),
            Shape::Enum { values, .. } => {
                let v: Vec<String> = values.iter().map(|v| format!("`{}`", v.value)).collect();
                format!("one of {}", v.join(", "))
            }
            Shape::Object { object } => match model().object(object) {
                Some(o) => format!("`{}` mapping", o.title),
                None => "mapping".to_string(),
            },
            Shape::Union { discriminator, .. } => format!("mapping (by `{discriminator}`)"),
            Shape::List { items, .. } => {
                let v: Vec<String> = items.iter().map(Shape::describe).collect();
                format!("list of {}", v.join(" or "))
            }
            Shape::Map { .. } => "mapping of names to values".to_string(),
        }
    }
}

fn bounds_text<T: std::fmt::Display>(
    s: &mut String,
    ge: &Option<T>,
    gt: &Option<T>,
    le: &Option<T>,
    lt: &Option<T>,
) {
    let parts: Vec<String> = [
        ge.as_ref().map(|v| format!("≥ {v}")),
        gt.as_ref().map(|v| format!("> {v}")),
        le.as_ref().map(|v| format!("≤ {v}")),
        lt.as_ref().map(|v| format!("< {v}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !parts.is_empty() {
        s.push(' ');
        s.push_str(&parts.join(", "));
    }
}
