//! What is posted to the plan endpoints and how their answers are read.

use dstack_ide::{ConfigType, ScalarValue, Value as YamlValue};
use serde_json::{Value, json};

use crate::offers_source::OfferRow;

/// Offers asked for (dstack's own CLI asks for 50; the table shows up to 500).
pub const MAX_OFFERS: u32 = 500;

/// The configuration as JSON, the way dstack's client serialises the parsed YAML.
pub fn to_json(v: &YamlValue) -> Value {
    match v {
        YamlValue::Scalar(s) => match s {
            ScalarValue::Null => Value::Null,
            ScalarValue::Bool(b) => json!(b),
            ScalarValue::Int(i) => match i64::try_from(*i) {
                Ok(n) => json!(n),
                Err(_) => json!(i.to_string()),
            },
            ScalarValue::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
            }
            ScalarValue::Str(s) | ScalarValue::Timestamp(s) => json!(s),
        },
        YamlValue::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        YamlValue::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
    }
}

/// Which plan endpoint a configuration goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanKind {
    /// `runs/get_plan`: dev-environment, task, service.
    Run,
    /// `fleets/get_plan`: a cloud fleet.
    Fleet,
}

/// A plan request ready to post.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanRequest {
    pub kind: PlanKind,
    pub body: Value,
}

impl PlanRequest {
    pub fn endpoint(&self) -> &'static str {
        match self.kind {
            PlanKind::Run => "runs/get_plan",
            PlanKind::Fleet => "fleets/get_plan",
        }
    }
}

/// The plan request for a configuration of type `ty` (its YAML as JSON, see [`to_json`]), or
/// `None` when dstack has no offers for it: other types, and SSH fleets (their hosts are yours).
pub fn plan_request(
    ty: ConfigType,
    configuration: Value,
    configuration_path: &str,
) -> Option<PlanRequest> {
    match ty {
        ConfigType::DevEnvironment | ConfigType::Task | ConfigType::Service => Some(PlanRequest {
            kind: PlanKind::Run,
            body: plan_body(configuration, configuration_path),
        }),
        ConfigType::Fleet if configuration.get("ssh_config").is_none_or(Value::is_null) => {
            Some(PlanRequest {
                kind: PlanKind::Fleet,
                body: fleet_plan_body(configuration, configuration_path),
            })
        }
        _ => None,
    }
}

/// The `GetRunPlanRequest` body: a `RunSpec` needs only the configuration (the server fills in a
/// virtual repo and the user's SSH key when asked for offers only).
pub fn plan_body(configuration: Value, configuration_path: &str) -> Value {
    json!({
        "run_spec": {
            "configuration_path": configuration_path,
            "configuration": configuration,
        },
        "max_offers": MAX_OFFERS,
        "for_offers_only": true,
    })
}

/// The `GetFleetPlanRequest` body. A `FleetSpec` requires `profile` (a 422 without it); the CLI
/// sends its default profile, which is `{"name": "default"}` without `.dstack/profiles.yml`.
/// There is no `max_offers`: a 0.22.5 server lists 50 (available ones first, then by price) and
/// counts all in `total_offers`.
pub fn fleet_plan_body(configuration: Value, configuration_path: &str) -> Value {
    json!({
        "spec": {
            "configuration": configuration,
            "configuration_path": configuration_path,
            "profile": {"name": "default"},
        },
    })
}

/// What the server answered: its total and the offers it listed.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveOffers {
    pub count: usize,
    pub offers: Vec<OfferRow>,
}

/// Reads a `RunPlan` (the first job plan's offers and `total_offers`) or a `FleetPlan` (its own
/// `offers` and `total_offers`).
pub fn parse_plan(kind: PlanKind, plan: &Value) -> Result<LiveOffers, String> {
    match kind {
        PlanKind::Run => plan["job_plans"]
            .as_array()
            .and_then(|a| a.first())
            .map(read_offers)
            .ok_or_else(|| "the dstack server's plan has no job plans".to_string()),
        PlanKind::Fleet if plan.get("offers").is_some_and(Value::is_array) => Ok(read_offers(plan)),
        PlanKind::Fleet => Err("the dstack server's fleet plan has no offers list".to_string()),
    }
}

/// `offers` (`InstanceOfferWithAvailability`) and `total_offers` of a job or fleet plan.
fn read_offers(plan: &Value) -> LiveOffers {
    let mib = |v: &Value| v.as_f64().map(|m| m / 1024.0);
    let offers: Vec<OfferRow> = plan["offers"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .map(|o| {
            let res = &o["instance"]["resources"];
            let gpus = res["gpus"].as_array().map(Vec::as_slice).unwrap_or(&[]);
            let first = gpus.first();
            OfferRow {
                backend: o["backend"].as_str().unwrap_or("").to_string(),
                region: o["region"].as_str().unwrap_or("").to_string(),
                instance: o["instance"]["name"].as_str().unwrap_or("").to_string(),
                price: o["price"].as_f64().unwrap_or(0.0),
                spot: res["spot"].as_bool().unwrap_or(false),
                gpu_name: first.and_then(|g| g["name"].as_str()).map(str::to_string),
                gpu_count: gpus.len() as i64,
                gpu_memory_gib: first.and_then(|g| mib(&g["memory_mib"])),
                cpus: res["cpus"].as_i64().unwrap_or(0),
                memory_gib: mib(&res["memory_mib"]).unwrap_or(0.0),
                disk_gib: mib(&res["disk"]["size_mib"]).unwrap_or(0.0),
            }
        })
        .collect();
    let count = plan["total_offers"]
        .as_u64()
        .map_or(offers.len(), |n| usize::try_from(n).unwrap_or(usize::MAX));
    LiveOffers { count, offers }
}
