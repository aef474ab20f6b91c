import TernCore

/// Checks every object's metadata the way the API server would: a name is required and well
/// formed, label and annotation keys are qualified names, label values are valid.
enum MetadataRules {
    static func validate(_ meta: ObjectMeta, kind: any KubeResource.Type, _ v: inout Validator) {
        if v.root["metadata"] == nil {
            v.error("required field \"metadata\" is missing (every object needs metadata.name)", at: "metadata")
            return
        }
        v.at("metadata") { v in
            if let name = meta.name {
                if !KubernetesNames.isDNSSubdomain(name) {
                    v.error("\"\(name)\" is not a valid name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (at most 253 characters)", at: "name")
                }
            } else if meta.generateName == nil {
                v.error("required field \"name\" is missing", at: "name")
            }
            if let ns = meta.namespace {
                if !kind.isNamespaced {
                    v.error("\(kind.kind) is cluster-scoped and takes no namespace", at: "namespace")
                } else if !KubernetesNames.isDNSLabel(ns) {
                    v.error("\"\(ns)\" is not a valid namespace name (a DNS label: lowercase letters, digits and '-', at most 63 characters)", at: "namespace")
                }
            }
            v.labels(meta.labels, at: "labels")
            if let annotations = meta.annotations {
                v.at("annotations") { v in
                    for key in annotations.keys.sorted() where !KubernetesNames.isQualifiedName(key) {
                        v.error("\"\(key)\" is not a valid annotation key", at: key)
                    }
                    AnnotationRules.validate(annotations, &v)
                }
            }
        }
    }
}
