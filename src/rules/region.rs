//! The region rules (COPY-4).

use crate::ctx::{Ctx, Step};
use crate::{Actor, CreateRegion, Event, MarkRegionClosingDown, ObjectKind, Region, Violation};

/// Checks: the platform; a fresh, well-formed id.
pub(crate) fn create_region(ctx: &Ctx<'_>, c: &CreateRegion) -> Step<Vec<Event>> {
    ctx.system(&Actor::Platform)?;
    let region_id = ctx.fresh(ObjectKind::Region, &c.region, |id| {
        ctx.state.region(id).is_some()
    })?;
    Ok(vec![Event::RegionCreated {
        at: ctx.now,
        region: region_id.clone(),
    }])
}

/// Checks: the platform; the region exists (GEN-4). A region closing down
/// already records nothing.
pub(crate) fn mark_closing_down(ctx: &Ctx<'_>, c: &MarkRegionClosingDown) -> Step<Vec<Event>> {
    ctx.system(&Actor::Platform)?;
    if ctx.region(&c.region)?.closing_down {
        return Ok(Vec::new());
    }
    Ok(vec![Event::RegionClosingDown {
        at: ctx.now,
        region: c.region.clone(),
    }])
}

/// COPY-4: an encrypted copy does not go into a region closing down.
pub(crate) fn open_for_encrypted_copies(region: &Region) -> Result<(), Violation> {
    if region.closing_down {
        Err(Violation::RegionClosingDown {
            region: region.id.clone(),
        })
    } else {
        Ok(())
    }
}
