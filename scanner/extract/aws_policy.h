// AWS IAM policy documents as Terraform writes them: `jsonencode({...})`, JSON in a
// string or heredoc, a reference to an `aws_iam_policy_document` data source, or a
// reference to an `aws_iam_policy` resource.
#pragma once

#include <string>
#include <vector>

#include "scanner/extract/terraform.h"

namespace nhiscan {

struct PolicyStatement {
  std::string effect = "Allow";
  std::vector<std::string> actions;
  std::vector<std::string> not_actions;
  std::vector<std::string> resources;
  std::vector<std::pair<std::string, std::string>> principals;  // (type, identifier)
  std::vector<TrustCondition> conditions;
  Location location;         // the statement
  Location action_location;  // its Action entry, when it can be placed
};

struct PolicyDocument {
  std::vector<PolicyStatement> statements;
  bool evaluable = true;
  std::string problem;  // why it could not be evaluated
  Location location;    // where the document is written
};

/// Evaluate the policy that `expr` (an attribute of `owner`) produces.
PolicyDocument evaluate_policy(const TerraformContext& context, const TfBlock& owner, const HclExpr& expr);

/// True when a statement allows every action on every resource.
bool allows_everything(const PolicyStatement& statement);

}  // namespace nhiscan
