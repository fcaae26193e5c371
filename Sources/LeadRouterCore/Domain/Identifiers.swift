/// Reps, leads, teams and territories are named by the strings the customer's own systems use.
public typealias RepID = String
public typealias LeadID = String
public typealias TeamID = String
public typealias TerritoryID = String
