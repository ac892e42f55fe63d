//! API errors: a status code and a JSON body `{"error": {"code", "message"}}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// An API error. Messages are fixed strings: they never echo ids, tokens or bodies.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable code, such as `NOT_FOUND`.
    pub code: &'static str,
    /// A short human-readable explanation.
    pub message: &'static str,
    /// Seconds to wait, for 429.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with this status, code and message.
    pub const fn new(status: StatusCode, code: &'static str, message: &'static str) -> Self {
        ApiError {
            status,
            code,
            message,
            retry_after: None,
        }
    }

    /// 400 with a code.
    pub const fn bad_request(code: &'static str, message: &'static str) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 500: logged by the caller, never detailed to the client.
    pub const fn internal() -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "the relay could not complete the request",
        )
    }

    /// The error a plain (non-JSON) error response of the stack stands for.
    pub fn from_status(status: StatusCode) -> Self {
        let (code, message) = match status {
            StatusCode::NOT_FOUND => ("NOT_FOUND", "no such resource"),
            StatusCode::METHOD_NOT_ALLOWED => ("METHOD_NOT_ALLOWED", "method not allowed here"),
            StatusCode::PAYLOAD_TOO_LARGE => ("TOO_LARGE", "the body exceeds the size limit"),
            StatusCode::REQUEST_TIMEOUT => ("TIMEOUT", "the request took too long"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ("UNSUPPORTED_MEDIA_TYPE", "wrong content type"),
            StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => {
                ("BAD_REQUEST", "the request is malformed")
            }
            s if s.is_server_error() => ("INTERNAL", "the relay could not complete the request"),
            _ => ("ERROR", "the request failed"),
        };
        ApiError::new(status, code, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}
