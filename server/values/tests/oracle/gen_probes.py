"""Answers tests/oracle/probes.txt with dstack 0.22.5 and writes one verdict per line (probes.jsonl).

Run: /path/to/venv-with-dstack==0.22.5/bin/python gen_probes.py < probes.txt > probes.jsonl
Each input line is `<kind> <json input>`; the kinds call the same dstack functions the crate mirrors.
"""
import sys, json, logging
logging.disable(logging.CRITICAL)
from pydantic import TypeAdapter
from dstack._internal.core.models import resources as R, configurations as C, duration as D, envs as E, volumes as V, profiles as P, fleets as F, unix as U, common as CM, files as FL
from dstack._internal.utils import tags as T, interpolator as I, nodes_interpolator as NI, cron as CR
def dump(m): return m.model_dump(mode='json')
def run(kind, x):
    if kind=='range_int': return dump(R.Range[int].model_validate(x))
    if kind=='range_memory': return dump(R.Range[R.Memory].model_validate(x))
    if kind=='memory': return TypeAdapter(R.Memory).validate_python(x)
    if kind=='gpu': return dump(R.GPUSpec.model_validate(x))
    if kind=='cpu': return dump(R.CPUSpec.model_validate(x))
    if kind=='disk': return dump(R.DiskSpec.model_validate(x))
    if kind=='compute_capability': return list(TypeAdapter(R.ComputeCapability).validate_python(x))
    if kind=='duration': return TypeAdapter(D.Duration).validate_python(x)
    if kind=='offable_duration': return TypeAdapter(D.OptionalOffableDuration).validate_python(x)
    if kind=='idle_duration': return TypeAdapter(D.OptionalIdleDuration).validate_python(x)
    if kind=='env':
        r = E.Env.model_validate(x).root
        return {k:(v if isinstance(v,str) else {"key": v.key}) for k,v in r.items()}
    if kind=='mount_point':
        m = V.parse_mount_point(x) if isinstance(x,str) else None
        d = dump(m); d['class']=type(m).__name__; return d
    if kind=='volume_field':
        m = C.TaskConfiguration.model_validate({'type':'task','commands':['x'],'volumes':[x]}).volumes[0]
        d = dump(m); d['class']=type(m).__name__; return d
    if kind=='ports_field': return dump(C.TaskConfiguration.model_validate({'type':'task','commands':['x'],'ports':[x]}).ports[0])
    if kind=='service_port': return dump(C.ServiceConfiguration.model_validate({'type':'service','commands':['x'],'port':x}).port)
    if kind=='python': return C.TaskConfiguration.model_validate({'type':'task','commands':['x'],'python':x}).python.value
    if kind=='fleet_nodes':
        n = F.FleetConfiguration.model_validate({'type':'fleet','nodes':x}).nodes
        return {'min':n.min,'target':n.target,'max':n.max}
    if kind=='schedule': return dump(P.Schedule.model_validate(x))
    if kind=='file_mapping': return dump(FL.FilePathMapping.parse(x) if isinstance(x,str) else FL.FilePathMapping.model_validate(x))
    if kind=='repo_spec': return dump(C.RepoSpec.model_validate(x))
    if kind=='unix_user': return dump(U.UnixUser.parse(x))
    if kind=='entity_ref': return dump(CM.EntityReference.parse(x) if isinstance(x,str) else CM.EntityReference.model_validate(x))
    if kind=='interpolation':
        r, missing = I.VariablesInterpolator({"run": {"args": "qwerty"}}, skip=["secrets"]).interpolate(x, return_missing=True)
        return r if not missing else {"result": r, "missing": missing}
    if kind=='interpolation_commands':
        return I.VariablesInterpolator({"run": {"args": ""}}, skip={"secrets": I.VariablesInterpolator.validate_name, "groups": NI.is_valid_groups_ip_ref}).interpolate_or_error(x)
    if kind=='tags':
        T.validate_tags(x); return x
    if kind=='tag_key':
        if not T.is_valid_tag_key(x): raise ValueError('bad')
        return True
    if kind=='tag_value':
        if not T.is_valid_tag_value(x): raise ValueError('bad')
        return True
    if kind=='unix_user': return dump(U.UnixUser.parse(x))
    if kind=='instance_selector': return P.Profile.model_validate({'name':'x','instances':x}).model_dump(mode='json')['instances']
    if kind=='retry':
        r = C.TaskConfiguration.model_validate({'type':'task','commands':['x'],'retry':x}).retry
        return r if (r is None or isinstance(r, bool)) else dump(r)
    if kind=='utilization_policy': return dump(P.UtilizationPolicy.model_validate(x))
    if kind=='scaling': return dump(C.ScalingSpec.model_validate(x))
    if kind=='backend_options': return P.Profile.model_validate({'name':'x','backend_options':x}).model_dump(mode='json')['backend_options']
    if kind=='dev_env_ide':
        r = C.DevEnvironmentConfigurationParams.model_validate(x); return {'ide': r.ide, 'version': r.version}
    if kind=='blocks':
        from dstack._internal.core.models import fleets as F2
        return F2.FleetConfiguration.model_validate({'type':'fleet','blocks':x}).blocks
    if kind=='https': return C.ServiceConfiguration.model_validate({'type':'service','commands':['x'],'port':80,'https':x}).https
    if kind=='replicas': return dump(C._validate_replica_range(R.Range[int].model_validate(x)))
    if kind=='gateway':
        g = C.ServiceConfiguration.model_validate({'type':'service','commands':['x'],'port':80,'gateway':x}).gateway
        return g if (g is None or isinstance(g, bool)) else dump(g)
    if kind=='spot_policy': return C.TaskConfiguration.model_validate({'type':'task','commands':['x'],'spot_policy':x}).spot_policy.value
    raise SystemExit('unknown kind '+kind)
out = []
for line in sys.stdin:
    line=line.rstrip('\n')
    if not line or line.startswith('#'): continue
    kind, js = line.split(' ',1)
    x = json.loads(js)
    try:
        r = run(kind, x); rec = {"kind": kind, "input": x, "ok": True, "expected": r}
    except Exception as e:
        rec = {"kind": kind, "input": x, "ok": False, "expected": {"error": type(e).__name__ + ": " + str(e)[:200]}}
    print(json.dumps(rec))
