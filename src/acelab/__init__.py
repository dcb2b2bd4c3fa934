"""acelab: one service for the ACE exam-prep API and the Codemm coding-practice API."""
