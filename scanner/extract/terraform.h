// Terraform extraction works on a module: every .tf and .tf.json file of one
// directory, because references, variables and provider settings cross files.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/comments.h"
#include "scanner/extract/common.h"
#include "scanner/hcl.h"
#include "scanner/source.h"

namespace nhiscan {

struct TerraformFile {
  SourceText source;
  HclFile hcl;
  CommentIndex comments;
};

struct TerraformModule {
  std::string directory;  // relative to the scan root; empty for the root itself
  std::vector<std::unique_ptr<TerraformFile>> files;
  /// Directories of every Terraform module in the scan: a local module call into one of
  /// them is read as an instance; any other call is only seen from its arguments.
  const std::set<std::string>* scanned_modules = nullptr;
};

/// A resource or data block with the file it is in.
struct TfBlock {
  const TerraformFile* file = nullptr;
  const HclBlock* block = nullptr;
  std::string type;     // e.g. "aws_iam_role"
  std::string name;     // e.g. "deployer"
  std::string address;  // "aws_iam_role.deployer", or "data.aws_iam_policy_document.trust"
};

/// A value of an evaluated Terraform expression. What cannot be known statically
/// (a resource attribute, an unsupported function) is an object {"$unknown": TEXT}.
using TfValue = nlohmann::json;
bool is_unknown(const TfValue& value);
TfValue unknown_value(const std::string& text);

/// Names bound while evaluating: `for` iterators, `dynamic` block iterators, `each`.
struct TfBindings {
  std::map<std::string, TfValue> values;
  const TfBindings* parent = nullptr;
  const TfValue* find(const std::string& name) const;
};

/// One call of a local module, with its arguments evaluated in the caller.
struct ModuleInstance {
  std::string path;                // "module.irsa", or "module.a.module.b" when nested
  std::string caller_directory;    // module directory of the outermost caller
  Location call_site;              // the `module` block of the outermost call
  uint32_t call_end_line = 0;
  std::map<std::string, TfValue> arguments;
  std::vector<MetaEntry> comment_metadata;  // `nhi:` comments on the call
  std::string for_each;            // "for_each" or "count" when the call repeats
};

/// A nested block as written, or one instance of a `dynamic` block with its iterator bound.
struct TfBlockInstance {
  const HclBlock* block = nullptr;
  std::shared_ptr<TfBindings> bindings;  // null for a block written out
};

class TerraformContext {
 public:
  TerraformContext(const TerraformModule& module, ExtractOutput& out, const ModuleInstance* instance = nullptr);

  const TerraformModule& module() const { return module_; }
  ExtractOutput& out() { return out_; }

  /// Resources whose type equals `type`, in file and line order.
  const std::vector<TfBlock>& resources(const std::string& type) const;
  /// Resources whose type starts with `prefix`.
  std::vector<const TfBlock*> resources_with_prefix(const std::string& prefix) const;
  const TfBlock* resource(const std::string& address) const;  // "type.name"
  const TfBlock* data(const std::string& address) const;      // "data.type.name" or "type.name"
  const std::vector<TfBlock>& outputs() const { return outputs_; }
  const std::vector<TfBlock>& providers() const { return providers_; }
  const std::vector<TfBlock>& variables() const { return variables_; }

  /// The identity id of a resource: "terraform:" + module directory + "/" + address.
  std::string id_for(const TfBlock& resource) const;
  std::string id_for_address(const std::string& address) const;

  /// Create an identity for a declaring resource, with location, multiplicity and
  /// `nhi:` comment metadata filled in. The returned reference stays valid until the
  /// next call.
  Identity& add_identity(const TfBlock& resource, IdentityKind kind, const std::string& platform,
                         const std::string& name);
  Identity* find_identity(const std::string& id);

  Location location(const TfBlock& block) const;
  Location location(const TfBlock& block, const SourcePoint& point) const;
  Location location(const TerraformFile& file, const SourcePoint& start, const SourcePoint& end) const;
  Location location_of(const TfBlock& block, const HclExpr& expr) const;
  Location location_of(const TfBlock& block, const HclAttribute& attribute) const;

  /// A string value: a literal, or anything that evaluates to a string, number or
  /// boolean (variables with their defaults or module arguments, locals, templates).
  /// nullopt when not statically known.
  std::optional<std::string> string_value(const HclExpr* expr, const TfBindings* bindings = nullptr) const;

  /// Every string an expression of `block` takes across its instances:
  /// `local.list[count.index]`, `var.list[...]`, and `each.value`/`each.key` over a
  /// known `for_each`. Empty when any of them is not statically known.
  std::vector<std::string> string_values(const HclExpr* expr, const TfBlock& block) const;

  /// A template's text with every interpolation that evaluates to a scalar substituted
  /// and the rest left as written ("${var.unknown}").
  std::string partial_text(const HclExpr& expr, const TfBindings* bindings = nullptr) const;

  /// Evaluate an expression (see TfValue). Depth-limited; never throws.
  TfValue evaluate(const HclExpr& expr, const TfBindings* bindings = nullptr, int depth = 0) const;

  /// Nested blocks of `type`: those written out, then each instance of `dynamic "type"`.
  std::vector<TfBlockInstance> blocks(const HclBlock& parent, const std::string& type,
                                      const TfBindings* outer = nullptr) const;

  /// The module call this context extracts for, or null for the module as written.
  const ModuleInstance* instance() const { return instance_; }
  /// The literal default of variable `name`, with its location.
  const HclExpr* variable_default(const std::string& name, const TfBlock** variable = nullptr) const;

  /// The first reference in `expr` to a resource whose type is one of `types`, as
  /// its address ("google_service_account.ci"); empty when there is none.
  std::string referenced_address(const HclExpr* expr, std::initializer_list<const char*> types) const;

  /// Map entries of an object attribute (tags, labels, annotations) as metadata, with
  /// the location of each value. Non-literal values are kept as written.
  std::vector<MetaEntry> metadata_map(const TfBlock& block, const HclExpr* map, const std::string& source) const;

 private:
  TfValue reference(const std::string& path, const TfBindings* bindings, int depth) const;
  TfValue call(const HclExpr& expr, const TfBindings* bindings, int depth) const;
  TfValue operation(const HclExpr& expr, const TfBindings* bindings, int depth) const;
  TfValue template_value(const HclExpr& expr, const TfBindings* bindings, int depth) const;

  const TerraformModule& module_;
  ExtractOutput& out_;
  const ModuleInstance* instance_ = nullptr;
  std::map<std::string, std::vector<TfBlock>> by_type_;
  std::map<std::string, TfBlock> by_address_;
  std::map<std::string, TfBlock> data_;
  std::map<std::string, TfBlock> variables_by_name_;
  std::map<std::string, const HclExpr*> locals_;
  std::vector<TfBlock> outputs_;
  std::vector<TfBlock> providers_;
  std::vector<TfBlock> variables_;
  std::map<std::string, std::size_t> identity_index_;
};

/// Extract every identity of a module, as written or for one call of it. Platform
/// extractors are called in a fixed order; each one reads only the resource types it
/// knows. Resources whose `count` or `for_each` evaluates to nothing are left out.
void extract_terraform(const TerraformModule& module, ExtractOutput& out, const ModuleInstance* instance = nullptr);

/// A `module` block whose source is a local path.
struct LocalModuleCall {
  std::string name;
  std::string directory;  // the called module's directory, relative to the scan root
  const TerraformFile* file = nullptr;
  const HclBlock* block = nullptr;
};

/// The directory (relative to the scan root) a local module source names from a module
/// in `module_directory`; empty when the source is not a local path or leaves the root.
std::string resolve_local_source(const std::string& module_directory, const std::string& source);

/// Local module calls of a module, with their target directories resolved.
std::vector<LocalModuleCall> local_module_calls(const TerraformModule& module);

/// The instances of `call` made from `caller` (itself an instance or null): arguments
/// evaluated in the caller, location at the outermost call site. A call with a known
/// `for_each` or `count` makes one instance per element (`module.x["key"]`), with
/// `each` or `count.index` bound; an unknown one makes a single instance.
std::vector<ModuleInstance> instantiate_call(const TerraformModule& caller, const ModuleInstance* caller_instance,
                                             const LocalModuleCall& call);

// Platform extractors, one file each.
void extract_terraform_google(TerraformContext& context);
void extract_terraform_aws(TerraformContext& context);
void extract_terraform_kubernetes(TerraformContext& context);
void extract_terraform_azure(TerraformContext& context);
void extract_terraform_github(TerraformContext& context);
void extract_terraform_gitlab(TerraformContext& context);
void extract_terraform_vault(TerraformContext& context);
/// Outputs that expose credential attributes ("terraform-output-credential" observations).
void extract_terraform_outputs(TerraformContext& context);
/// Literal secrets in arguments and in the variable defaults they read; runs after the
/// platform extractors so that a value lands on the identity its block declares.
void extract_terraform_secrets(TerraformContext& context);
/// Literal secrets assigned to secret-named variables in a .tfvars file.
void extract_tfvars_secrets(const SourceText& source, const HclFile& file, ExtractOutput& out);

}  // namespace nhiscan
