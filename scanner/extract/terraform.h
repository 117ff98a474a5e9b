// Terraform extraction works on a module: every .tf and .tf.json file of one
// directory, because references, variables and provider settings cross files.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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
};

/// A resource or data block with the file it is in.
struct TfBlock {
  const TerraformFile* file = nullptr;
  const HclBlock* block = nullptr;
  std::string type;     // e.g. "aws_iam_role"
  std::string name;     // e.g. "deployer"
  std::string address;  // "aws_iam_role.deployer", or "data.aws_iam_policy_document.trust"
};

class TerraformContext {
 public:
  TerraformContext(const TerraformModule& module, ExtractOutput& out);

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

  /// A string value: a literal, or a `var.x` with a literal default, or a `local.x`
  /// that is a literal. nullopt when not statically known.
  std::optional<std::string> string_value(const HclExpr* expr) const;
  /// Every literal value an expression of `block` takes across its instances:
  /// `local.list[count.index]`, `var.list[...]`, and `each.value`/`each.key` over a
  /// literal `for_each` (a tuple, `toset([...])`, an object, or a variable or local
  /// holding one). Empty when any of them is not statically known.
  std::vector<std::string> string_values(const HclExpr* expr, const TfBlock& block) const;
  /// The literal default of variable `name`, with its location.
  const HclExpr* variable_default(const std::string& name, const TfBlock** variable = nullptr) const;

  /// The first reference in `expr` to a resource whose type is one of `types`, as
  /// its address ("google_service_account.ci"); empty when there is none.
  std::string referenced_address(const HclExpr* expr, std::initializer_list<const char*> types) const;

  /// Map entries of an object attribute (tags, labels, annotations) as metadata, with
  /// the location of each value. Non-literal values are kept as written.
  std::vector<MetaEntry> metadata_map(const TfBlock& block, const HclExpr* map, const std::string& source) const;

 private:
  const TerraformModule& module_;
  ExtractOutput& out_;
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

/// Extract every identity of a module. Platform extractors are called in a fixed
/// order; each one reads only the resource types it knows.
void extract_terraform(const TerraformModule& module, ExtractOutput& out);

// Platform extractors, one file each.
void extract_terraform_google(TerraformContext& context);
void extract_terraform_aws(TerraformContext& context);
void extract_terraform_kubernetes(TerraformContext& context);
/// Outputs that expose credential attributes ("terraform-output-credential" observations).
void extract_terraform_outputs(TerraformContext& context);
/// Literal secrets in arguments and in the variable defaults they read; runs after the
/// platform extractors so that a value lands on the identity its block declares.
void extract_terraform_secrets(TerraformContext& context);
/// Literal secrets assigned to secret-named variables in a .tfvars file.
void extract_tfvars_secrets(const SourceText& source, const HclFile& file, ExtractOutput& out);

}  // namespace nhiscan
