namespace Julia.Domain.Trust;

public enum TrustLevel { Critico, Vermelho, Laranja, Amarelo, Verde }
