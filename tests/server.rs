//! `litellm-check server`: the real binary driven over stdio with LSP messages, as an editor
//! drives it (no mock of the protocol): initialize, didOpen, publishDiagnostics, hover,
//! completion, definition, codeAction, didChange (a change to the LiteLLM config re-publishes the
//! OpenClaw file's findings), shutdown and exit; and hostile input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long a test waits for an answer before it fails (a hang is a failure, not a timing).
const PATIENCE: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    /// Notifications received while waiting for something else.
    backlog: Vec<Value>,
    next_id: i64,
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start(root: &Path, options: Value) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_litellm-check"))
            .args(["server", "--stdio"])
            .current_dir(root)
            .env_remove("OPENAI_API_KEY")
            .env_remove("LITELLM_MASTER_KEY")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        let mut client = Client {
            child,
            stdin,
            messages,
            backlog: Vec::new(),
            next_id: 0,
        };
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "workspaceFolders": [{"uri": uri(root), "name": "ws"}],
                "capabilities": {},
                "initializationOptions": options,
            }),
        );
        let capabilities = &result["result"]["capabilities"];
        assert_eq!(capabilities["hoverProvider"], json!(true), "{result}");
        assert_eq!(capabilities["definitionProvider"], json!(true));
        assert!(capabilities["completionProvider"].is_object());
        assert!(capabilities["codeActionProvider"].is_object());
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn next(&mut self, deadline: Instant) -> Value {
        match self
            .messages
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server in time"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// Sends a request and returns its response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + PATIENCE;
        loop {
            let message = self.next(deadline);
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return message;
            }
            self.backlog.push(message);
        }
    }

    /// The next diagnostics published for `uri` that `accept` takes (earlier ones are skipped).
    fn diagnostics(&mut self, uri: &str, accept: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + PATIENCE;
        let matches = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        };
        loop {
            let message = match self.backlog.iter().position(matches) {
                Some(i) => self.backlog.remove(i),
                None => self.next(deadline),
            };
            if matches(&message) {
                let found = message["params"]["diagnostics"].as_array().unwrap().clone();
                if accept(&found) {
                    return found;
                }
            } else {
                self.backlog.push(message);
            }
        }
    }

    fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, path: &Path, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(path), "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    fn at(&mut self, method: &str, path: &Path, line: u32, character: u32) -> Value {
        self.request(
            method,
            json!({"textDocument": {"uri": uri(path)}, "position": {"line": line, "character": character}}),
        )
    }

    /// `shutdown` then `exit`: the process ends with status 0.
    fn stop(mut self) {
        let answer = self.request("shutdown", Value::Null);
        assert_eq!(answer["result"], Value::Null, "{answer}");
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "exit status {status}");
                return;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn workspace(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lc-server-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.canonicalize().unwrap()
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

fn labels(completion: &Value) -> Vec<String> {
    let items = match &completion["result"] {
        Value::Array(items) => items.clone(),
        other => other["items"].as_array().cloned().unwrap_or_default(),
    };
    items
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

/// The position (0-based line, UTF-16 column) of the first `needle` in `text`, plus `shift`.
fn position_of(text: &str, needle: &str, shift: usize) -> (u32, u32) {
    let offset = text.find(needle).unwrap() + shift;
    let line = text[..offset].matches('\n').count();
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    (
        line as u32,
        text[start..offset].encode_utf16().count() as u32,
    )
}

const LITELLM: &str = "\
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: sk-placeholder-not-a-key
  - model_name: gpt-4o-mini
    litellm_params:
      model: openai/gpt-4o-mini
router_settings:
  routing_strategy: simple-shuffle
  fallbacks:
    - gpt-4o: [gpt-4o-mini]
  model_group_alias:
    fast: gpt-4o-mini
litellm_settings:
  drop_params: true
  drop_params: true
  sucess_callback: []
";

const OPENCLAW: &str = r#"{
  agents: {
    defaults: {
      model: { primary: "litellm/gpt-4o", fallbacks: ["litellm/claude"] },
    },
  },
}
"#;

#[test]
fn findings_hover_completion_definition_and_actions_over_stdio() {
    let dir = workspace("main");
    let litellm = dir.join("litellm_config.yaml");
    let openclaw = dir.join("openclaw.json5");
    // On disk: something else. The server checks what the editor holds.
    std::fs::write(&litellm, "model_list: []\n").unwrap();
    std::fs::write(&openclaw, "{}\n").unwrap();
    let mut client = Client::start(&dir, json!({}));

    client.open(&litellm, LITELLM);
    let found = client.diagnostics(&uri(&litellm), |d| !d.is_empty());
    let shown = serde_json::to_string_pretty(&found)
        .unwrap()
        .replace(&uri(&dir), "file://<dir>");
    insta::assert_snapshot!("server_litellm_diagnostics", shown);
    let unknown = found.iter().find(|d| d["code"] == "LL020").unwrap();
    assert_eq!(unknown["severity"], 2);
    assert!(unknown["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("docs/rules.md#ll020-unknown-key"));
    let duplicate = found.iter().find(|d| d["code"] == "LL004").unwrap();
    assert_eq!(
        duplicate["relatedInformation"][0]["location"]["uri"],
        json!(uri(&litellm))
    );

    // Cross-file: `litellm/claude` is not served by the editor's LiteLLM text.
    client.open(&openclaw, OPENCLAW);
    let found = client.diagnostics(&uri(&openclaw), |d| {
        codes(d).iter().any(|c| c.starts_with("XR"))
    });
    assert!(
        found
            .iter()
            .any(|d| d["message"].as_str().unwrap().contains("claude")),
        "{found:?}"
    );

    // Hover: the schema's description of a key, and a finding's rule.
    let (line, character) = position_of(LITELLM, "routing_strategy", 3);
    let hover = client.at("textDocument/hover", &litellm, line, character);
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("**routing_strategy**"), "{text}");
    assert!(text.contains("simple-shuffle"), "{text}");
    let (line, character) = position_of(LITELLM, "simple-shuffle", 3);
    let hover = client.at("textDocument/hover", &litellm, line, character);
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("`simple-shuffle`: Weighted random pick"),
        "{text}"
    );
    let (line, character) = position_of(LITELLM, "sucess_callback", 2);
    let hover = client.at("textDocument/hover", &litellm, line, character);
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("LL020"), "{text}");
    assert!(text.contains("rules.md#ll020-unknown-key"), "{text}");

    // Completion: keys, enum values, model groups in fallbacks, litellm/<group> refs.
    let (line, _) = position_of(LITELLM, "routing_strategy", 0);
    let completion = client.at("textDocument/completion", &litellm, line, 20);
    let got = labels(&completion);
    assert!(
        got.contains(&"latency-based-routing".to_string()),
        "{got:?}"
    );
    let (line, character) = position_of(LITELLM, "[gpt-4o-mini]", 1);
    let got = labels(&client.at("textDocument/completion", &litellm, line, character));
    assert!(
        got.contains(&"gpt-4o".to_string()) && got.contains(&"fast".to_string()),
        "{got:?}"
    );
    let (line, character) = position_of(LITELLM, "routing_strategy", 0);
    let got = labels(&client.at("textDocument/completion", &litellm, line, character));
    assert!(got.contains(&"model_group_alias".to_string()), "{got:?}");
    let (line, character) = position_of(OPENCLAW, "litellm/claude", 8);
    let got = labels(&client.at("textDocument/completion", &openclaw, line, character));
    assert!(got.contains(&"litellm/gpt-4o-mini".to_string()), "{got:?}");

    // Go to definition: a fallback target, an alias target, a litellm/ ref.
    let (line, character) = position_of(LITELLM, "[gpt-4o-mini]", 3);
    let definition = client.at("textDocument/definition", &litellm, line, character);
    let target = &definition["result"][0];
    assert_eq!(target["uri"], json!(uri(&litellm)));
    assert_eq!(target["range"]["start"]["line"], 5, "{definition}");
    let (line, character) = position_of(LITELLM, "fast: gpt-4o-mini", 8);
    let definition = client.at("textDocument/definition", &litellm, line, character);
    assert_eq!(
        definition["result"][0]["range"]["start"]["line"], 5,
        "{definition}"
    );
    let (line, character) = position_of(OPENCLAW, "litellm/gpt-4o", 10);
    let definition = client.at("textDocument/definition", &openclaw, line, character);
    assert_eq!(definition["result"][0]["uri"], json!(uri(&litellm)));
    assert_eq!(
        definition["result"][0]["range"]["start"]["line"], 1,
        "{definition}"
    );

    // Code action: ignore the rule on its line; applying it clears the finding.
    let (line, _) = position_of(LITELLM, "sucess_callback", 0);
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri(&litellm)},
            "range": {"start": {"line": line, "character": 2}, "end": {"line": line, "character": 2}},
            "context": {"diagnostics": []},
        }),
    );
    let action = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("LL020"))
        .unwrap_or_else(|| panic!("{actions}"))
        .clone();
    // The finding's fix, as a quick fix of its own, and in "fix all".
    let fix = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["edit"]["changes"][uri(&litellm)][0]["newText"] == "success_callback")
        .unwrap_or_else(|| panic!("no rename of the key: {actions}"));
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    let fix_all = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "source.fixAll")
        .unwrap_or_else(|| panic!("no fix-all action: {actions}"));
    assert!(fix_all["edit"]["changes"][uri(&litellm)]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["newText"] == "success_callback"));
    let edit = &action["edit"]["changes"][uri(&litellm)][0];
    assert_eq!(edit["newText"], "  # litellm-check: ignore[LL020]");
    let edited = LITELLM.replace(
        "sucess_callback: []",
        "sucess_callback: []  # litellm-check: ignore[LL020]",
    );
    assert_eq!(edit["range"]["start"]["line"], line);

    // didChange of the LiteLLM file: the OpenClaw file's findings are published again.
    let served = edited.replace(
        "router_settings:",
        "  - model_name: claude\n    litellm_params:\n      model: anthropic/claude-sonnet-4-5\nrouter_settings:",
    );
    client.change(&litellm, 2, &served);
    let found = client.diagnostics(&uri(&litellm), |_| true);
    assert!(!codes(&found).contains(&"LL020".to_string()), "{found:?}");
    let found = client.diagnostics(&uri(&openclaw), |d| {
        !codes(d).iter().any(|c| c.starts_with("XR"))
    });
    assert!(codes(&found).iter().all(|c| !c.starts_with("XR")));

    client.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn settings_file_and_included_files_apply() {
    let dir = workspace("settings");
    std::fs::write(
        dir.join("litellm-check.toml"),
        "[lint]\nignore = [\"LL020\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("models.yaml"),
        "model_list:\n  - model_name: a\n    litellm_params:\n      model: nosuchprovider/x\n",
    )
    .unwrap();
    let litellm = dir.join("litellm_config.yaml");
    let text =
        "include:\n  - models.yaml\nunknown_section: 1\nrouter_settings:\n  num_retries: yes\n";
    std::fs::write(&litellm, "").unwrap();
    let mut client = Client::start(&dir, json!({"debounceMs": 0}));
    client.open(&litellm, text);
    let found = client.diagnostics(&uri(&litellm), |d| !d.is_empty());
    let got = codes(&found);
    assert!(
        !got.contains(&"LL020".to_string()),
        "the settings file ignores LL020: {got:?}"
    );
    // The included file's finding is shown at the `include` line, pointing into models.yaml.
    let included = found
        .iter()
        .find(|d| d["code"] == "LL031")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(included["range"]["start"]["line"], 0);
    assert_eq!(
        included["relatedInformation"][0]["location"]["uri"],
        json!(uri(&dir.join("models.yaml")))
    );
    // A YAML file that is neither named nor shaped like a LiteLLM config gets no findings (as a
    // config it would have LL020 for `services`), and no editor features.
    let compose = dir.join("docker-compose.yaml");
    client.open(&compose, "services:\n  proxy:\n    image: litellm\n");
    let found = client.diagnostics(&uri(&compose), |_| true);
    assert!(found.is_empty(), "{found:?}");
    let hover = client.at("textDocument/hover", &compose, 0, 2);
    assert_eq!(hover["result"], Value::Null);
    // Once it holds a `model_list`, it is one.
    client.change(&compose, 2, "model_list: []\nservices: {}\n");
    let found = client.diagnostics(&uri(&compose), |d| !d.is_empty());
    assert!(codes(&found).contains(&"LL020".to_string()), "{found:?}");
    client.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hostile_input_gets_answers_not_a_crash() {
    let dir = workspace("hostile");
    let litellm = dir.join("litellm_config.yaml");
    let openclaw = dir.join("openclaw.json");
    let mut client = Client::start(&dir, json!({"debounceMs": 0}));

    // Deep nesting in both formats: a finding, not a stack overflow.
    client.open(&litellm, &"[".repeat(200_000));
    let found = client.diagnostics(&uri(&litellm), |d| !d.is_empty());
    assert_eq!(codes(&found), ["LL001"], "{found:?}");
    client.open(&openclaw, &"{a:".repeat(100_000));
    let found = client.diagnostics(&uri(&openclaw), |d| !d.is_empty());
    assert!(codes(&found).iter().all(|c| c == "OC001"), "{found:?}");

    // Positions past the end, requests on unknown documents, unknown methods, bad params.
    for (line, character) in [(0, 1_000_000), (1_000_000, 0), (u32::MAX, u32::MAX)] {
        for method in [
            "textDocument/hover",
            "textDocument/completion",
            "textDocument/definition",
        ] {
            let answer = client.at(method, &openclaw, line, character);
            assert!(
                answer.get("result").is_some() || answer.get("error").is_some(),
                "{answer}"
            );
            let answer = client.at(method, &litellm, line, character);
            assert!(answer.get("result").is_some(), "{answer}");
        }
    }
    let answer = client.at("textDocument/hover", &dir.join("not-open.yaml"), 0, 0);
    assert_eq!(answer["result"], Value::Null);
    let answer = client.request("no/such/method", json!({}));
    assert_eq!(answer["error"]["code"], -32601, "{answer}");
    let answer = client.request("textDocument/hover", json!({"textDocument": 5}));
    assert_eq!(answer["error"]["code"], -32602, "{answer}");
    client.notify("no/such/notification", json!([1, 2, 3]));
    client.notify("textDocument/didChange", json!("not params"));

    // A large document: 20,000 deployments with a finding each, checked, and still answering.
    let mut huge = String::from("model_list:\n");
    for i in 0..20_000 {
        huge.push_str(&format!(
            "  - model_name: m{i}\n    litellm_params:\n      model: nosuchprovider/x\n"
        ));
    }
    client.change(&litellm, 2, &huge);
    let found = client.diagnostics(&uri(&litellm), |d| !d.is_empty() && d[0]["code"] != "LL001");
    // 50 findings of a code per file, then one summary (as every output format folds them).
    assert!(found.len() <= 60, "{}", found.len());
    let answer = client.at("textDocument/completion", &litellm, 40_000, 6);
    assert!(answer.get("result").is_some());

    client.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
