//! The demo's stand-in benefit payer (issue 16): a local receiver on loopback that accepts
//! every statement the delivery worker sends, so the demo's deliveries succeed and can be
//! seen (`GET /api/clients/{id}/deliveries`, the record page) instead of failing against
//! Kela's placeholder address. It is no payer: it keeps nothing and answers `200` with
//! `{"received": true, "stand_in": "kirjuri-demo"}` to every well-formed POST. Demo only: the
//! server proper never runs it.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Where the stand-in listens by default (`demo --stand-in-payer`), and the path it answers at.
pub const ADDRESS: &str = "127.0.0.1:8079";
pub const PATH: &str = "/demo-stand-in-payer/lausunnot";

/// The delivery address of the stand-in listening on `addr`.
pub fn endpoint(addr: SocketAddr) -> String {
    format!("http://{addr}{PATH}")
}

/// The largest request the stand-in reads (a statement is a few kilobytes).
const MAX_REQUEST: usize = 1 << 20;

/// The running stand-in; dropping it stops it.
#[derive(Debug)]
pub struct StandIn {
    task: tokio::task::JoinHandle<()>,
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the stand-in on `addr`.
pub async fn start(addr: SocketAddr) -> std::io::Result<StandIn> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(answer(stream));
        }
    });
    Ok(StandIn { task })
}

/// Reads one HTTP/1.1 request and answers it.
async fn answer(mut stream: tokio::net::TcpStream) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let (head_end, length) = loop {
        let Ok(n) = stream.read(&mut chunk).await else {
            return;
        };
        if n == 0 || buf.len() + n > MAX_REQUEST {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..at]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            break (at + 4, length);
        }
    };
    if length > MAX_REQUEST {
        return;
    }
    while buf.len() < head_end + length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let request_line = String::from_utf8_lossy(&buf[..head_end]);
    let ok = request_line.starts_with(&format!("POST {PATH} "));
    let (status, body) = if ok {
        tracing::debug!("demo stand-in payer: statement received");
        (
            "200 OK",
            r#"{"received": true, "stand_in": "kirjuri-demo"}"#,
        )
    } else {
        (
            "404 Not Found",
            r#"{"error": "not the stand-in payer's path"}"#,
        )
    };
    let answer = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(answer.as_bytes()).await;
    let _ = stream.shutdown().await;
}
