//! Per-package rules (packages.toml): the imports no AST shows, by package.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PackageRules {
    /// "a.b" (one module) or "a.b.*" (a package and everything under it).
    #[serde(default)]
    pub hidden_imports: Vec<String>,
    /// Modules of another distribution the package imports by name when
    /// it is installed ("a.b" or "a.b.*"), embedded when the environment
    /// has them and passed over when it does not (tzdata for zoneinfo).
    #[serde(default)]
    pub optional_imports: Vec<String>,
    /// Modules (and their submodules) never embedded.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Data files of the package left out (globs relative to its directory).
    #[serde(default)]
    pub exclude_data: Vec<String>,
    /// Files of the program's own directory the package reads by
    /// convention (globs relative to the script's directory: a framework's
    /// `templates/`), embedded as the program's data files.
    #[serde(default)]
    pub program_data: Vec<String>,
    /// Submodules ("m" or "m.*") the package imports by name from each
    /// package the program names in a string constant (a framework's
    /// installed applications).
    #[serde(default)]
    pub app_modules: Vec<String>,
    /// Modules of the package whose string constants name modules to embed,
    /// as the program's own do (default settings naming backends); "p.*"
    /// is every module of package p.
    #[serde(default)]
    pub follow_names_in: Vec<String>,
}

/// The rules compiled into the compiler, by top-level package.
pub fn rules() -> BTreeMap<String, PackageRules> {
    // (a unit test checks the file parses: a broken file is a build-time
    // mistake, never the user's)
    toml::from_str(include_str!("packages.toml")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn packages_toml_parses_and_names_its_own_package() {
        let rules: std::collections::BTreeMap<String, super::PackageRules> =
            toml::from_str(include_str!("packages.toml")).expect("packages.toml parses");
        assert!(rules.contains_key("pygments"));
        for (package, r) in &rules {
            for m in r.hidden_imports.iter().chain(&r.exclude).chain(&r.follow_names_in) {
                assert!(
                    m == package || m.starts_with(&format!("{package}.")) || m == &format!("{package}.*"),
                    "{package}: rule for {m} outside the package"
                );
            }
        }
    }
}
