namespace Julia.Domain.Contacts;

public enum KeywordIntent { None, OptOut, OptIn, Help }
