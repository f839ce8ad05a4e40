"""The release template, its applications (审批申请) and the approval APIs over them."""
