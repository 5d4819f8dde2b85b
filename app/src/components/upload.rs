//! A file upload with a progress bar: pick a file or drop it on the zone,
//! watch the bytes go (XMLHttpRequest reports upload progress; `fetch`
//! does not), cancel at any time. Posts to the server's plain streaming
//! endpoint for one checklist item.

#[cfg(feature = "hydrate")]
use crate::domain::document::upload_path;
use crate::domain::ItemId;
use crate::i18n::{td_string, use_locale, Locale};
use leptos::prelude::*;

/// Where an upload stands.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Phase {
    Idle,
    Sending {
        name: String,
        sent: u64,
        total: u64,
    },
    /// The bytes are sent; the server is storing them.
    Storing {
        name: String,
    },
    Done {
        name: String,
    },
    Failed(String),
}

/// Reloads a page's data after uploads finish, but only once none is in
/// progress: a reload rebuilds the checklist, which would drop them.
#[derive(Clone, Copy)]
pub struct UploadTracker {
    in_flight: RwSignal<u32>,
    pending: RwSignal<bool>,
}

impl UploadTracker {
    /// Provides a tracker to the page's uploads; `reload` runs after they finish.
    pub fn provide(reload: impl Fn() + Send + Sync + 'static) -> UploadTracker {
        let tracker = UploadTracker {
            in_flight: RwSignal::new(0),
            pending: RwSignal::new(false),
        };
        Effect::new(move |_| {
            if tracker.in_flight.get() == 0 && tracker.pending.get() {
                tracker.pending.set(false);
                reload();
            }
        });
        provide_context(tracker);
        tracker
    }

    /// An upload finished: reload when the others have too.
    pub fn done(&self) {
        self.pending.set(true);
    }
}

/// The message for a file the server would refuse for its size.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn too_large(l: Locale, size: u64, max: u64) -> Option<String> {
    (size > max).then(|| {
        td_string!(
            l,
            upload.too_big,
            size = crate::i18n::format::bytes(l, size),
            limit = crate::i18n::format::bytes(l, max)
        )
        .to_string()
    })
}

/// Upload control for one checklist item. `on_done` runs after a file is stored.
#[component]
pub fn Upload(
    item_id: ItemId,
    /// What the item is, for labels ("Passport (photo page)").
    label: &'static str,
    max_bytes: u64,
    /// Button text: "Upload" or "Upload a new version".
    #[prop(into)]
    action: String,
    on_done: Callback<()>,
) -> impl IntoView {
    let l = use_locale();
    let phase = RwSignal::new(Phase::Idle);
    let dragging = RwSignal::new(false);
    let input_id = format!("upload-{item_id}");
    #[cfg(feature = "hydrate")]
    let xhr: StoredValue<Option<browser::Request>, LocalStorage> = StoredValue::new_local(None);

    #[cfg(feature = "hydrate")]
    let send = {
        let item_id = item_id.clone();
        move |file: web_sys::File| {
            let size = file.size() as u64;
            if let Some(message) = too_large(l, size, max_bytes) {
                phase.set(Phase::Failed(message));
                return;
            }
            if size == 0 {
                phase.set(Phase::Failed(td_string!(l, upload.empty).into()));
                return;
            }
            let name = file.name();
            phase.set(Phase::Sending {
                name: name.clone(),
                sent: 0,
                total: size,
            });
            match browser::Request::send(l, &upload_path(&item_id), &file, phase, name, on_done) {
                Ok(request) => xhr.set_value(Some(request)),
                Err(message) => phase.set(Phase::Failed(message)),
            }
        }
    };
    #[cfg(not(feature = "hydrate"))]
    let _ = (&item_id, max_bytes, on_done);

    #[cfg(feature = "hydrate")]
    let send_dropped = send.clone();
    let on_pick = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(input) = _ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                if let Some(file) = input.files().and_then(|f| f.get(0)) {
                    send(file);
                }
                input.set_value("");
            }
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        #[cfg(feature = "hydrate")]
        {
            if let Some(file) = ev
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                send_dropped(file);
            }
        }
    };
    let cancel = move |_| {
        #[cfg(feature = "hydrate")]
        xhr.update_value(|r| {
            if let Some(r) = r.take() {
                r.abort();
            }
        });
        phase.set(Phase::Failed(td_string!(l, upload.cancelled).into()));
    };
    let busy = move || matches!(phase.get(), Phase::Sending { .. } | Phase::Storing { .. });
    // Counted while busy, so the page holds its reload until every upload is done.
    if let Some(tracker) = use_context::<UploadTracker>() {
        Effect::new(move |was: Option<bool>| {
            let now = busy();
            match (was.unwrap_or(false), now) {
                (false, true) => tracker.in_flight.update(|n| *n += 1),
                (true, false) => tracker.in_flight.update(|n| *n = n.saturating_sub(1)),
                _ => {}
            }
            now
        });
        on_cleanup(move || {
            if busy_untracked(phase) {
                tracker.in_flight.update(|n| *n = n.saturating_sub(1));
            }
        });
    }

    view! {
        <div
            class="upload"
            class:upload-dragging=move || dragging.get()
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <div class="upload-choose" hidden=busy>
                <label class="button button-small upload-pick" for=input_id.clone()>{action.clone()}</label>
                <input
                    id=input_id.clone()
                    class="sr-only"
                    type="file"
                    accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
                    aria-label=format!("{action} {label}")
                    on:change=on_pick
                />
                <span class="muted small upload-hint">{td_string!(l, upload.or_drop, size = crate::i18n::format::bytes(l, max_bytes)).to_string()}</span>
            </div>
            {move || match phase.get() {
                Phase::Idle => ().into_any(),
                Phase::Sending { name, sent, total } => view! {
                    <div class="upload-progress" role="status">
                        <span class="small upload-name">{name}</span>
                        <progress max=total.to_string() value=sent.to_string() aria-label=td_string!(l, upload.progress)></progress>
                        <span class="small muted upload-bytes" data-sent=sent.to_string() data-total=total.to_string()>
                            {td_string!(l, upload.sent_of_total, sent = crate::i18n::format::bytes(l, sent), total = crate::i18n::format::bytes(l, total)).to_string()}
                        </span>
                        <button type="button" class="button button-small button-secondary" on:click=cancel>{td_string!(l, common.cancel)}</button>
                    </div>
                }.into_any(),
                Phase::Storing { name } => view! {
                    <p class="small upload-progress" role="status">{td_string!(l, upload.storing, name = name).to_string()}</p>
                }.into_any(),
                Phase::Done { name } => view! {
                    <p class="small upload-done" role="status">{td_string!(l, upload.done, name = name).to_string()}</p>
                }.into_any(),
                Phase::Failed(message) => view! {
                    <p class="field-error upload-error" role="alert">{message}</p>
                }.into_any(),
            }}
        </div>
    }
    .into_any()
}

fn busy_untracked(phase: RwSignal<Phase>) -> bool {
    phase
        .try_get_untracked()
        .is_some_and(|p| matches!(p, Phase::Sending { .. } | Phase::Storing { .. }))
}

#[cfg(feature = "hydrate")]
mod browser {
    //! The XMLHttpRequest behind an upload, and its event handlers (kept
    //! alive as long as the request).

    use super::Phase;
    use crate::i18n::{td_string, Locale};
    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{FormData, ProgressEvent, XmlHttpRequest};

    pub struct Request {
        xhr: XmlHttpRequest,
        _progress: Closure<dyn FnMut(ProgressEvent)>,
        _sent: Closure<dyn FnMut()>,
        _finished: Closure<dyn FnMut()>,
        _failed: Closure<dyn FnMut()>,
    }

    impl Request {
        pub fn send(
            l: Locale,
            path: &str,
            file: &web_sys::File,
            phase: RwSignal<Phase>,
            name: String,
            on_done: Callback<()>,
        ) -> Result<Request, String> {
            let fail = |_| td_string!(l, upload.could_not_start).to_string();
            let xhr = XmlHttpRequest::new().map_err(fail)?;
            xhr.open("POST", path).map_err(fail)?;
            let form = FormData::new().map_err(fail)?;
            form.append_with_blob_and_filename("file", file, &file.name())
                .map_err(fail)?;

            let progress_name = name.clone();
            let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |ev: ProgressEvent| {
                if ev.length_computable() {
                    phase.set(Phase::Sending {
                        name: progress_name.clone(),
                        sent: ev.loaded() as u64,
                        total: ev.total() as u64,
                    });
                }
            });
            let sent_name = name.clone();
            let sent = Closure::<dyn FnMut()>::new(move || {
                phase.set(Phase::Storing {
                    name: sent_name.clone(),
                });
            });
            let reader = xhr.clone();
            let finished = Closure::<dyn FnMut()>::new(move || {
                let status = reader.status().unwrap_or(0);
                if (200..300).contains(&status) {
                    phase.set(Phase::Done { name: name.clone() });
                    on_done.run(());
                } else {
                    let text = reader.response_text().ok().flatten().unwrap_or_default();
                    // The server sends the error as the app's own type (and
                    // its English as `message`, for other clients).
                    let message = serde_json::from_str::<serde_json::Value>(&text)
                        .ok()
                        .and_then(|mut v| v.get_mut("error").map(serde_json::Value::take))
                        .and_then(|e| serde_json::from_value::<crate::error::AppError>(e).ok())
                        .map(|e| e.message(l))
                        .unwrap_or_else(|| match status {
                            413 => td_string!(l, upload.too_large).to_string(),
                            401 => td_string!(l, errors.not_signed_in).to_string(),
                            _ => td_string!(l, upload.failed_status, status = status).to_string(),
                        });
                    phase.set(Phase::Failed(message));
                }
            });
            let failed = Closure::<dyn FnMut()>::new(move || {
                phase.set(Phase::Failed(
                    td_string!(l, upload.connection_lost).to_string(),
                ));
            });
            let upload = xhr.upload().map_err(fail)?;
            upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
            upload.set_onload(Some(sent.as_ref().unchecked_ref()));
            xhr.set_onload(Some(finished.as_ref().unchecked_ref()));
            xhr.set_onerror(Some(failed.as_ref().unchecked_ref()));
            xhr.send_with_opt_form_data(Some(&form)).map_err(fail)?;
            Ok(Request {
                xhr,
                _progress: progress,
                _sent: sent,
                _finished: finished,
                _failed: failed,
            })
        }

        pub fn abort(&self) {
            let _ = self.xhr.abort();
        }
    }

    impl Drop for Request {
        /// The handlers go with the request: stop it rather than let it
        /// finish unseen (a finished request ignores this).
        fn drop(&mut self) {
            let _ = self.xhr.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::too_large;
    use crate::i18n::Locale;

    #[test]
    fn files_over_the_limit_are_refused_before_sending() {
        assert_eq!(too_large(Locale::en, 10, 25 << 20), None);
        assert_eq!(
            too_large(Locale::en, 38 << 20, 25 << 20).unwrap(),
            "The file is 38.0 MB; the limit is 25.0 MB. Make it smaller (for example, scan at a lower resolution) and try again."
        );
        assert_eq!(
            too_large(Locale::zh_Hans, 38 << 20, 25 << 20).unwrap(),
            "文件大小为 38.0 MB，上限为 25.0 MB。请缩小文件（例如以较低分辨率扫描）后重试。"
        );
    }
}
