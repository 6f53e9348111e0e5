#!/usr/bin/env python3
"""What a real LiteLLM router does with every LiteLLM file of the shared corpus, file by file and
deployment by deployment, in one Python process (one fork per file, so no file sees the global
state another one left in `litellm`; no proxy start per file).

Run it with the interpreter of a LiteLLM install, offline:

    python3 -m venv ~/.peers/litellm-1.80-venv
    ~/.peers/litellm-1.80-venv/bin/pip install 'litellm[proxy]==1.80.0'
    LITELLM_LOCAL_MODEL_COST_MAP=True ~/.peers/litellm-1.80-venv/bin/python \
        scripts/litellm_router_init.py ../shared/corpus tests/data/litellm-1.80-router-init.json

Method (the same as `validator-results/litellm-1.106.2-router-init.json`, which recorded the
1.106.2 verdicts, plus the deployment level):

- `yaml.safe_load` fails: `yaml-error`. No non-empty `model_list` list: `skip`.
- `os.environ/NAME` values become `dummy-NAME` (the run has no environment).
- `router_settings` keys are passed when `Router.__init__` takes them, as the proxy's
  `load_config` does (1.80 drops the others silently); `litellm_settings`, `general_settings` and
  `include` are not applied (so LL068/LL069/LL070-style start-up failures are not seen here).
- The router is built inside a running event loop, as the proxy builds it at start-up.
- `verdict`: `Router(model_list=..., **router_settings)`: `ok`, or the exception it raised (the
  router raises on the first deployment it cannot create).
- `deployments`: the same with `ignore_invalid_deployments=True`, as the proxy builds it: for
  each `model_list` entry, whether the router kept it (`true`) or dropped it (`false`); `null`
  when even that router could not be built (`deployments_error` says why).
"""

import asyncio
import copy
import importlib.metadata
import inspect
import json
import os
import signal
import sys
import traceback

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import yaml  # noqa: E402

import litellm  # noqa: E402
from litellm import Router  # noqa: E402

litellm.suppress_debug_info = True
litellm.set_verbose = False

ENV_PREFIX = "os.environ/"
MARK = "litellm-check-deployment-"


def dummies(value):
    if isinstance(value, str) and value.startswith(ENV_PREFIX):
        return "dummy-" + value[len(ENV_PREFIX):]
    if isinstance(value, dict):
        return {k: dummies(v) for k, v in value.items()}
    if isinstance(value, list):
        return [dummies(v) for v in value]
    return value


def router_args(settings):
    if not isinstance(settings, dict):
        return {}
    accepted = set(inspect.getfullargspec(Router).args) - {"self", "model_list", "search_tools"}
    return {k: v for k, v in settings.items() if k in accepted}


def describe(error):
    text = f"{type(error).__name__}: {error}"
    return " ".join(text.split())[:300]


def judge(config):
    """The verdict and the deployment list of one loaded config (run in a child)."""
    model_list = dummies(config["model_list"])
    settings = router_args(dummies(config.get("router_settings")))
    result = {}

    async def build(models, **extra):
        return Router(model_list=models, **settings, **extra)

    try:
        asyncio.run(build(copy.deepcopy(model_list)))
        result["verdict"] = "ok"
    except BaseException as error:  # noqa: BLE001 - the verdict is whatever it raised
        result["verdict"] = describe(error)

    # Mark every deployment so the survivors can be told apart.
    # Deep copies, not a JSON round trip: PyYAML's dates and the like must reach the router as
    # PyYAML made them.
    marked = copy.deepcopy(model_list)
    ids = {}
    for index, deployment in enumerate(marked):
        if not isinstance(deployment, dict):
            continue
        info = deployment.get("model_info")
        if info is None and "model_info" not in deployment:
            info = deployment["model_info"] = {}
        if isinstance(info, dict):
            if info.get("id") is None:
                info["id"] = f"{MARK}{index}"
            ids.setdefault(str(info["id"]), []).append(index)
    try:
        router = asyncio.run(build(marked, ignore_invalid_deployments=True))
        kept = set()
        for deployment in router.model_list:
            identity = str((deployment.get("model_info") or {}).get("id"))
            kept.update(ids.get(identity, []))
        result["deployments"] = [index in kept for index in range(len(marked))]
    except BaseException as error:  # noqa: BLE001
        result["deployments"] = None
        result["deployments_error"] = describe(error)
    return result


def run_one(path):
    try:
        with open(path, encoding="utf-8") as handle:
            config = yaml.safe_load(handle)
    except Exception:  # noqa: BLE001 - any reader failure is what the proxy would hit
        return {"verdict": "yaml-error"}
    if not isinstance(config, dict):
        return {"verdict": "skip"}
    model_list = config.get("model_list")
    if not isinstance(model_list, list) or not model_list:
        return {"verdict": "skip"}
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        signal.alarm(60)
        try:
            sys.stdout = sys.stderr = open(os.devnull, "w")
            answer = judge(config)
        except BaseException as error:  # noqa: BLE001
            answer = {"verdict": describe(error), "trace": traceback.format_exc()[-300:]}
        with os.fdopen(write, "w") as out:
            out.write(json.dumps(answer))
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as incoming:
        text = incoming.read()
    os.waitpid(pid, 0)
    try:
        return json.loads(text)
    except ValueError:
        return {"verdict": "crashed: no answer (timeout or a signal)"}


def main():
    corpus, out = sys.argv[1], sys.argv[2]
    results = {}
    for directory in ("litellm", "litellm-docs"):
        for name in sorted(os.listdir(os.path.join(corpus, directory))):
            file = f"{directory}/{name}"
            results[file] = run_one(os.path.join(corpus, file))
    document = {
        "litellm": importlib.metadata.version("litellm"),
        "method": "scripts/litellm_router_init.py",
        "files": results,
    }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=0, sort_keys=True)
        handle.write("\n")


if __name__ == "__main__":
    main()
