//! Custom images: CreateImage (from a snapshot) and DeleteImage.

use serde_json::{Value, json};
use snapguard::{CreateImage, DeleteImage, ImageId, ObjectKind, SnapshotId};

use super::{Call, done};
use crate::engine::Engine;
use crate::error::ApiError;
use crate::mint::{IdKind, mint};

pub fn create(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let region = call.region(true)?;
    let snapshot = SnapshotId::new(call.params.required("SnapshotId")?);
    let name = call.text("ImageName", 2, 128)?;
    let description = call.text("Description", 2, 256)?;
    for (parameter, values) in [
        ("Architecture", &["i386", "x86_64", "arm64"][..]),
        ("Platform", &[][..]),
    ] {
        if let Some(value) = call.params.take(parameter) {
            if !values.is_empty() && !values.contains(&value.as_str()) {
                return Err(ApiError::invalid(
                    parameter,
                    format_args!(
                        "`{}` is not one of {}",
                        crate::params::truncated(&value),
                        values.join(", ")
                    ),
                ));
            }
        }
    }
    call.finish_in(engine, |call, tx| {
        call.locate(tx, ObjectKind::Snapshot, snapshot.as_str(), region.as_ref())?;
        let image = ImageId::new(mint(IdKind::Image));
        tx.apply(call.actor, CreateImage::new(image.clone(), snapshot))
            .map_err(|violation| call.refused(&violation))?;
        tx.set_given(
            image.as_str(),
            [("name", name), ("description", description)],
        );
        Ok(json!({ "ImageId": image.as_str() }))
    })
}

pub fn delete(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let region = call.region(true)?;
    let image = ImageId::new(call.params.required("ImageId")?);
    // `Force` deletes an image instances still use; the model has no
    // instances, so either way the image goes (and its snapshot stays).
    call.params.boolean("Force")?;
    call.finish_in(engine, |call, tx| {
        call.locate(tx, ObjectKind::Image, image.as_str(), region.as_ref())?;
        tx.apply(call.actor, DeleteImage::new(image))
            .map_err(|violation| call.refused(&violation))?;
        Ok(done())
    })
}
