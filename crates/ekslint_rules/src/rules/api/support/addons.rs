//! The add-ons the API table lists with their own release numbers, and the release a cluster
//! being migrated to is assumed to run: `rules/api/addons.yaml`, overridden per add-on by
//! `addons:` in `.ekslint.yaml`.

use std::sync::LazyLock;

use crate::data::SchemaV1;
use crate::version::KubeVersion;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Addon {
    /// The `component` of its rows in the API table.
    pub name: String,
    /// The release a new EKS cluster is assumed to run (`major.minor`).
    pub assumed: KubeVersion,
    /// What to call it in messages.
    pub product: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddonsFile {
    pub schema_version: SchemaV1,
    pub addons: Vec<Addon>,
}

pub const ADDONS_TABLE: crate::data::Table = crate::table!("rules/api/addons.yaml");

pub static ADDONS: LazyLock<AddonsFile> = LazyLock::new(|| crate::data::load(&ADDONS_TABLE));

/// The add-on row of a component.
pub fn addon(name: &str) -> Option<&'static Addon> {
    ADDONS.addons.iter().find(|a| a.name == name)
}

/// The release of `name` the run assumes, and whether the config said so.
pub fn release(settings: &crate::settings::Settings, name: &str) -> Option<(KubeVersion, bool)> {
    if let Some(v) = settings.addons.get(name) {
        return Some((*v, true));
    }
    addon(name).map(|a| (a.assumed, false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::api::support::table::{ApiTable, Component};

    #[test]
    fn every_addon_of_the_api_table_has_a_release() {
        for row in &ApiTable::get().rows {
            if let Component::Addon(name) = &row.component {
                let a = addon(name).unwrap_or_else(|| panic!("{name}: no row in addons.yaml"));
                assert!(!a.product.is_empty());
            }
        }
        assert_eq!(
            addon("external-snapshotter").unwrap().assumed,
            KubeVersion::new(6, 0)
        );
    }
}
